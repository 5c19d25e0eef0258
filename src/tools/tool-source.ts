import type { ToolDefinition } from './tool-definition.js';

/**
 * Tools that are not registered one by one but come from elsewhere per org (MCP servers): an
 * agent names them with a prefix the source owns (`mcp:<server>/<tool>`), and the source turns
 * those names into definitions when a run needs them.
 */
export interface ToolSource {
  /** True for names this source resolves (a syntactic check). */
  owns(name: string): boolean;
  /** Why an agent of the org may not name `name` (an unknown server), or undefined when it may. */
  check(orgId: string, name: string): Promise<string | undefined>;
  /**
   * The definitions `names` stand for in the org, each under the name the model calls it by
   * (letters, digits, `_` and `-`). A source that cannot reach a tool leaves it out.
   */
  resolve(orgId: string, names: string[], signal: AbortSignal): Promise<ToolDefinition[]>;
}
