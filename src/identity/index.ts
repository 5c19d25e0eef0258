export { type ApiKey, createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from './api-keys.js';
export { type AuditEntry, recordAudit } from './audit.js';
export { type AuditQuery, type AuditRecord, auditCursorPattern, listAuditEntries } from './audit-log.js';
export { type Authenticate, createAuthenticator } from './authenticate.js';
export { type BootstrapResult, bootstrapIdentity, readKeyFile } from './bootstrap.js';
export { createOrg, type Org } from './orgs.js';
export { requireOrgUsers } from './users.js';
