import { ColonyError } from '../errors/index.js';
import type { ToolContext } from './tool-definition.js';

/** Secret values one tool call (or one MCP server process) may use, by name. */
export interface ResolvedSecrets {
  readonly values: ReadonlyMap<string, string>;
  /** Names and versions used (`NAME@3,…`): a connection opened with older values is replaced. */
  readonly revision: string;
}

/**
 * Where tools get the values of `{{secrets.NAME}}` references (implemented by src/secrets). A
 * value is for sending only: a tool passes every output and error through `redactSecrets`
 * before the model, a step or an event sees it.
 */
export interface SecretResolver {
  /**
   * The current values of `names` for one call of `tool`. Each must be granted to the run's agent
   * or to its chat; each use is recorded (a `secret-used` event and an audit row).
   *
   * @throws ColonyError `forbidden` naming the first secret not granted, `not_found` for one the
   *   org does not have.
   */
  forToolCall(context: ToolContext, tool: string, names: readonly string[]): Promise<ResolvedSecrets>;
  /**
   * The org's current values of `names`, without a grant check: to start an MCP server whose
   * registered settings reference them (every call through it checks the grants).
   */
  forOrg(orgId: string, names: readonly string[]): Promise<ResolvedSecrets>;
}

const notWired = (): never => {
  throw new ColonyError('forbidden', 'secrets are not available in this process');
};

/** For registries built without the secrets capability (tests, embedders): every reference fails. */
export const noSecrets: SecretResolver = {
  forToolCall: async () => notWired(),
  forOrg: async () => notWired(),
};

/** Nothing resolved: what a call that references no secret carries. */
export const noResolvedSecrets: ResolvedSecrets = { values: new Map(), revision: '' };
