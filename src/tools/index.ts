export { aiSdkToolsOf, toAiSdkTools } from './ai-sdk-tools.js';
export {
  isToolWait,
  type JsonSchemaObject,
  type ToolContext,
  type ToolDefinition,
  type ToolWait,
  waitForResult,
} from './tool-definition.js';
export { createToolRegistry, type ToolRegistry } from './tool-registry.js';
export type { ToolSource } from './tool-source.js';
