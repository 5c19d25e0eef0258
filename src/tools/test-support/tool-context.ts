import type { ToolContext } from '../tool-definition.js';

/** A tool context for tests: fixed ids, a clock at `now` (0 unless given), a signal that never aborts. */
export function testToolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    signal: new AbortController().signal,
    now: () => 0,
    orgId: 'org_1',
    runId: 'run_1',
    toolCallId: 'call_1',
    taskId: null,
    agentId: 'agt_1',
    chatId: 'chat_1',
    createdBy: null,
    httpEndpoints: {},
    ...overrides,
  };
}
