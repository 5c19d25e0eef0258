export { aiSdkToolsOf } from './ai-sdk-tools.js';
export { agentApprovalsSchema, needsApproval } from './approval-policy.js';
export { checkUrl, defaultEgressDependencies, resolveAllowedAddresses } from './http/egress-policy.js';
export { httpEndpointsSchema } from './http/http-endpoint.js';
export { readLimitedBody, sendRequest } from './http/send-request.js';
export {
  fillSecretsIn,
  redactError,
  redactSecrets,
  redactText,
  secretReferencesIn,
} from './secret-references.js';
export { noResolvedSecrets, type ResolvedSecrets, type SecretResolver } from './secret-resolver.js';
export {
  isToolWait,
  type ToolContext,
  type ToolDefinition,
  type ToolWait,
  waitForResult,
} from './tool-definition.js';
export { createToolRegistry, type ToolRegistry } from './tool-registry.js';
export type { ToolSource } from './tool-source.js';
