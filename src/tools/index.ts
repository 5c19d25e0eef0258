export { toAiSdkTools } from './ai-sdk-tools.js';
export {
  createRunJavaScriptTool,
  type JavaScriptToolConfig,
  type RunJavaScriptInput,
  type RunJavaScriptOutput,
} from './javascript/run-javascript-tool.js';
export {
  isToolWait,
  type ToolContext,
  type ToolDefinition,
  type ToolWait,
  waitForResult,
} from './tool-definition.js';
export { createToolRegistry, type ToolRegistry } from './tool-registry.js';
