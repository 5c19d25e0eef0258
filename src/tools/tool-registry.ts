import { ColonyError } from '../errors/index.js';
import { getTimeTool } from './get-time.js';
import type { HttpToolConfig } from './http/http-config.js';
import { createHttpRequestTool } from './http/http-request-tool.js';
import { createRunJavaScriptTool, type JavaScriptToolConfig } from './javascript/run-javascript-tool.js';
import { noSecrets, type SecretResolver } from './secret-resolver.js';
import type { ToolDefinition } from './tool-definition.js';
import type { ToolSource } from './tool-source.js';

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
  /** Adds a source of tools named with a prefix it owns (`mcp:…`). */
  addSource(source: ToolSource): void;
  /** Why an agent of the org may not list `name`, or undefined when it may. */
  check(orgId: string, name: string): Promise<string | undefined>;
  /**
   * The tools an agent's list stands for in the org, by the name the model calls them: registered
   * tools as they are, a source's names expanded (`mcp:docs/*` → every tool of that server).
   */
  resolve(orgId: string, names: readonly string[], signal: AbortSignal): Promise<Map<string, ToolDefinition>>;
}

/**
 * Creates a registry holding the built-in tools (`get_time`, `http_request`, `run_javascript`). Other capabilities
 * add theirs with `register`. `secrets` fills the `{{secrets.NAME}}` references of HTTP endpoints
 * (without it, a reference fails the call).
 *
 * @example
 * const tools = createToolRegistry(config.tools);
 * tools.get('get_time');
 */
export function createToolRegistry(config: ToolsConfig, secrets: SecretResolver = noSecrets): ToolRegistry {
  const tools = new Map<string, ToolDefinition>();
  const sources: ToolSource[] = [];
  const sourceOf = (name: string) => sources.find((source) => source.owns(name));
  const registry: ToolRegistry = {
    get: (name) => tools.get(name),
    has: (name) => tools.has(name) || sourceOf(name) !== undefined,
    names: () => [...tools.keys()],
    list: () => [...tools.values()],
    register(definition) {
      if (tools.has(definition.name)) {
        throw new ColonyError('conflict', `a tool named "${definition.name}" is already registered`);
      }
      tools.set(definition.name, definition as ToolDefinition);
    },
    addSource(source) {
      sources.push(source);
    },
    async check(orgId, name) {
      if (tools.has(name)) return undefined;
      const source = sourceOf(name);
      return source ? source.check(orgId, name) : `unknown tool "${name}"`;
    },
    async resolve(orgId, names, signal) {
      const resolved = new Map<string, ToolDefinition>();
      const bySource = new Map<ToolSource, string[]>();
      for (const name of names) {
        const registered = tools.get(name);
        if (registered) {
          resolved.set(name, registered);
          continue;
        }
        const source = sourceOf(name);
        if (source) bySource.set(source, [...(bySource.get(source) ?? []), name]);
      }
      for (const [source, owned] of bySource) {
        for (const definition of await source.resolve(orgId, owned, signal)) {
          if (!resolved.has(definition.name)) resolved.set(definition.name, definition);
        }
      }
      return resolved;
    },
  };
  registry.register(getTimeTool);
  registry.register(createHttpRequestTool(config.http, undefined, secrets));
  registry.register(createRunJavaScriptTool(config.javascript));
  return registry;
}
