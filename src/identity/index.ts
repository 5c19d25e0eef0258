export { type ApiKey, createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from './api-keys.js';
export { recordAudit } from './audit.js';
export { type AuditQuery, type AuditRecord, auditCursorPattern, listAuditEntries } from './audit-log.js';
export { type Authenticate, createAuthenticator } from './authenticate.js';
export { bootstrapIdentity } from './bootstrap.js';
export { createOrg } from './orgs.js';
export { requireOrgUsers } from './users.js';
