import { ColonyError } from '../errors/index.js';
import { getTimeTool } from './get-time.js';
import type { HttpToolConfig } from './http/http-config.js';
import { createHttpRequestTool } from './http/http-request-tool.js';
import { createRunJavaScriptTool, type JavaScriptToolConfig } from './javascript/run-javascript-tool.js';
import type { ToolDefinition } from './tool-definition.js';

/** Configuration of the built-in tools: the `tools` slice of the configuration. */
export type ToolsConfig = { http: HttpToolConfig; javascript: JavaScriptToolConfig };

/** The tools available to agents, by name. */
export interface ToolRegistry {
  get(name: string): ToolDefinition | undefined;
  has(name: string): boolean;
  names(): string[];
  list(): ToolDefinition[];
  /** Adds a tool; throws `conflict` when the name is taken. */
  register<Input, Output>(definition: ToolDefinition<Input, Output>): void;
}

/**
 * Creates a registry holding the built-in tools (`get_time`, `http_request`, `run_javascript`). Other capabilities
 * add theirs with `register`.
 *
 * @example
 * const tools = createToolRegistry(config.tools);
 * tools.get('get_time');
 */
export function createToolRegistry(config: ToolsConfig): ToolRegistry {
  const tools = new Map<string, ToolDefinition>();
  const registry: ToolRegistry = {
    get: (name) => tools.get(name),
    has: (name) => tools.has(name),
    names: () => [...tools.keys()],
    list: () => [...tools.values()],
    register(definition) {
      if (tools.has(definition.name)) {
        throw new ColonyError('conflict', `a tool named "${definition.name}" is already registered`);
      }
      tools.set(definition.name, definition as ToolDefinition);
    },
  };
  registry.register(getTimeTool);
  registry.register(createHttpRequestTool(config.http));
  registry.register(createRunJavaScriptTool(config.javascript));
  return registry;
}
