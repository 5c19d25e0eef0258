export { toAiSdkTools } from './ai-sdk-tools.js';
export { type GetTimeInput, type GetTimeOutput, getTimeTool } from './get-time.js';
export type { EgressDependencies, HostLookup } from './http/egress-policy.js';
export { matchesHostPattern } from './http/host-pattern.js';
export type { HttpToolConfig } from './http/http-config.js';
export {
  createHttpRequestTool,
  type HttpRequestInput,
  type HttpRequestOutput,
} from './http/http-request-tool.js';
export { isPrivateAddress } from './http/private-address.js';
export {
  isToolWait,
  type ToolContext,
  type ToolDefinition,
  type ToolWait,
  waitForResult,
} from './tool-definition.js';
export { createToolRegistry, type ToolRegistry, type ToolsConfig } from './tool-registry.js';
