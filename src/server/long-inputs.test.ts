import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterTeam } from '../cli/commands/mission.js';
import { configDefaults } from '../config/index.js';
import type { HttpHarness } from '../http/test-support/http-harness.js';
import { createUserKey } from '../http/test-support/user-keys.js';
import {
  maxAgentMessageChars,
  maxChatMessageChars,
  maxDelegatedTaskChars,
  maxMemoryContentChars,
  maxMemoryQueryChars,
  maxMissionGoalChars,
  maxPlanTasks,
} from '../kernel/index.js';
import { memoryExtractKind } from '../memory/run-hooks.js';
import type { MissionBoard } from '../orchestration/index.js';
import { createMissionHarness, waitForMission } from '../orchestration/test-support/mission-harness.js';
import { createScriptedModel, installMockProvider } from '../orchestration/test-support/scripted-model.js';
import { testDialects } from '../storage/test-support/databases.js';

/**
 * Issue 11: every path that hands text from one capability to another accepts the largest input
 * its producer may produce — deriving (a memory query from a message) or cutting with a visible
 * marker, never failing the run, the extraction or the mission.
 */

const marker = /… \[truncated \d+ chars\]/;

interface Step {
  kind: string;
  status: string;
  toolName: string | null;
  payload: { output?: Record<string, unknown>; error?: string };
}
interface RunView {
  id: string;
  status: string;
  error: string | null;
  steps: Step[];
}

/** `length` characters of varied prose (words repeat, so the text has key terms). */
function prose(length: number, seed = 'orchard'): string {
  const words = [seed, 'harvest', 'ledger', 'quarterly', 'invoice', 'river', 'turbine', 'sensor', 'budget'];
  let text = '';
  for (let index = 0; text.length < length; index++) text += `${words[index % words.length]} `;
  return text.slice(0, length);
}

const directive = (tool: string, input: unknown) => `/tool ${tool} ${JSON.stringify(input)}`;

/** Answers each agent call with a text of `maxChatMessageChars` that starts by restating the task. */
const verboseModel = createScriptedModel((call) => {
  if (call.system.includes('Extract durable memories')) return JSON.stringify({ memories: [] });
  const firstLine = call.user.split('\n')[0] ?? '';
  return `${firstLine}\n${prose(maxChatMessageChars, 'verbose')}`.slice(0, maxChatMessageChars);
});

async function json<T>(response: Response): Promise<T> {
  if (response.status >= 300) throw new Error(`${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Posts `content` to a new chat of `agent` (or to `chatId`) and waits for the run. */
async function post(
  harness: HttpHarness,
  agent: string,
  content: string,
  options: { key?: string; chatId?: string } = {},
) {
  const chatId =
    options.chatId ??
    (
      await json<{ id: string }>(
        await harness.request('POST', '/v1/chats', { key: options.key, body: { agent } }),
      )
    ).id;
  const posted = await json<{ run: { id: string } }>(
    await harness.request('POST', `/v1/chats/${chatId}/messages`, { key: options.key, body: { content } }),
  );
  return { chatId, run: await harness.waitForRun<RunView>(posted.run.id) };
}

async function answerOf(harness: HttpHarness, chatId: string): Promise<string> {
  const { messages } = await json<{ messages: Array<{ role: string; content: string }> }>(
    await harness.request('GET', `/v1/chats/${chatId}/messages`),
  );
  return messages.at(-1)?.content ?? '';
}

async function extraction(harness: HttpHarness, runId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const task = await harness.colony.database.db
      .selectFrom('task')
      .select('status')
      .where('idempotency_key', '=', `${memoryExtractKind}:${runId}`)
      .executeTakeFirst();
    if (task && ['succeeded', 'failed', 'canceled'].includes(task.status)) return task.status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

function toolSteps(run: RunView, name: string): Step[] {
  return run.steps.filter((step) => step.kind === 'tool' && step.toolName === name);
}

/** A goal of `maxMissionGoalChars` with more clauses than a plan has tasks, closed by a synthesis. */
function maximalGoal(): string {
  const closing = 'write a summary of every finding';
  const clauses: string[] = [];
  for (let index = 1; ; index++) {
    const clause = `research ${prose(40 + (index % 7) * 10, `topic${index}`).trim()}`;
    // Room for at least " x" after the closing clause.
    if ([...clauses, clause, closing].join('; ').length > maxMissionGoalChars - 2) break;
    clauses.push(clause);
  }
  return `${[...clauses, closing].join('; ')} `.padEnd(maxMissionGoalChars, 'x');
}

async function runMission(harness: HttpHarness, body: Record<string, unknown>): Promise<MissionBoard> {
  const mission = await json<{ id: string }>(await harness.request('POST', '/v1/missions', { body }));
  return waitForMission(harness, mission.id, undefined, 120_000);
}

interface Path {
  path: string;
  check(harness: HttpHarness, probeUrl: string): Promise<void>;
}

const paths: Path[] = [
  {
    path: 'a maximal chat message → memory query and extraction',
    async check(harness) {
      const user = await createUserKey(harness);
      const content = `My favourite colour is teal. ${prose(maxChatMessageChars)}`.slice(
        0,
        maxChatMessageChars,
      );
      const { run } = await post(harness, 'assistant', content, { key: user.key });
      expect(run.status, run.error ?? '').toBe('succeeded');
      expect(await extraction(harness, run.id)).toBe('succeeded');
      const episode = await harness.colony.database.db
        .selectFrom('memory')
        .select('content')
        .where('type', '=', 'episodic')
        .where('run_id', '=', run.id)
        .where('content', 'like', 'user:%')
        .executeTakeFirstOrThrow();
      expect(episode.content.length).toBeLessThanOrEqual(maxMemoryContentChars);
      expect(episode.content).toMatch(marker);
    },
  },
  {
    path: 'a maximal agent message → memory query',
    async check(harness) {
      const sent = await json<{ message: { triggeredRunId: string } }>(
        await harness.request('POST', '/v1/agents/assistant/messages', {
          body: { content: prose(maxAgentMessageChars) },
        }),
      );
      const run = await harness.waitForRun<RunView>(sent.message.triggeredRunId);
      expect(run.status, run.error ?? '').toBe('succeeded');
    },
  },
  {
    path: 'the starter team with a maximal goal → plan, handoff notes, prompts, report',
    async check(harness) {
      const goal = maximalGoal();
      expect(goal.length).toBe(maxMissionGoalChars);
      const board = await runMission(harness, { goal, agents: starterTeam.map((agent) => agent.name) });
      expect(board.state, board.error ?? '').toBe('succeeded');
      expect(board.tasks).toHaveLength(maxPlanTasks);
      const last = board.tasks.at(-1);
      expect(last?.dependsOn).toHaveLength(maxPlanTasks - 1);
      expect(board.handoffs.filter((note) => note.toTaskId === last?.id)).toHaveLength(maxPlanTasks - 1);
      expect(board.report).toContain('# Mission report');
    },
  },
  {
    path: 'maximal task results → handoff notes and report',
    async check(harness) {
      const board = await runMission(harness, {
        goal: 'research solar panels; compare with wind turbines; write a summary',
        agents: ['verbose'],
      });
      expect(board.state, board.error ?? '').toBe('succeeded');
      expect(board.tasks.every((task) => (task.result ?? '').length === maxChatMessageChars)).toBe(true);
      expect(board.handoffs).toHaveLength(2);
      for (const note of board.handoffs) expect(note.summary).toMatch(marker);
      expect(board.report).toMatch(marker);
    },
  },
  {
    path: 'a tool output of the largest response → the next model step',
    async check(harness, probeUrl) {
      const { chatId, run } = await post(harness, 'assistant', directive('http_request', { url: probeUrl }));
      expect(run.status, run.error ?? '').toBe('succeeded');
      const output = toolSteps(run, 'http_request')[0]?.payload.output ?? {};
      expect(output.status).toBe(200);
      expect(output.truncated).toBe(false);
      expect(String(output.body)).toMatch(marker);
      expect(await answerOf(harness, chatId)).toContain('Tool http_request returned: {"status":200');
    },
  },
  {
    path: 'memory tools called with maximal content and query',
    async check(harness) {
      const content = prose(maxMemoryContentChars, 'glacier');
      const remembered = await post(
        harness,
        'assistant',
        `${directive('remember', { content })} ${directive('recall', { query: prose(maxMemoryQueryChars, 'glacier') })}`,
      );
      expect(remembered.run.status, remembered.run.error ?? '').toBe('succeeded');
      const [remember] = toolSteps(remembered.run, 'remember');
      const [recall] = toolSteps(remembered.run, 'recall');
      expect([remember?.status, recall?.status]).toEqual(['completed', 'completed']);
      const memoryId = String(remember?.payload.output?.memoryId);
      const updated = await post(
        harness,
        'assistant',
        directive('update_memory', { memoryId, content: prose(maxMemoryContentChars, 'moraine') }),
        { chatId: remembered.chatId },
      );
      expect(updated.run.status, updated.run.error ?? '').toBe('succeeded');
      const [update] = toolSteps(updated.run, 'update_memory');
      expect(update?.status, update?.payload.error).toBe('completed');
    },
  },
  {
    path: 'a maximal question and an answer longer than an agent message → ask_agent',
    async check(harness) {
      const { run } = await post(
        harness,
        'assistant',
        directive('ask_agent', { to: 'verbose', question: prose(maxAgentMessageChars) }),
      );
      expect(run.status, run.error ?? '').toBe('succeeded');
      expect(toolSteps(run, 'ask_agent')[0]?.status).toBe('completed');
      const inbox = await json<{ messages: Array<{ type: string; content: string }> }>(
        await harness.request('GET', '/v1/agents/assistant/messages'),
      );
      const answer = inbox.messages.find((message) => message.type === 'answer');
      expect(answer?.content.length).toBeLessThanOrEqual(maxAgentMessageChars);
      expect(answer?.content).toMatch(marker);
    },
  },
  {
    path: 'a maximal delegation → the delegated run’s prompt',
    async check(harness) {
      const items = Array.from({ length: 20 }, (_, index) => prose(500, `step${index}`));
      const { run } = await post(
        harness,
        'assistant',
        directive('delegate', {
          to: 'writer',
          task: prose(maxDelegatedTaskChars),
          context: prose(4000, 'context'),
          decisions: items,
          nextSteps: items,
        }),
      );
      expect(run.status, run.error ?? '').toBe('succeeded');
      expect(toolSteps(run, 'delegate')[0]?.payload.output?.status).toBe('succeeded');
    },
  },
];

describe.each(testDialects)('the largest allowed inputs pass every hand-off on %s', (dialect) => {
  let harness: HttpHarness;
  let probe: Server;
  let probeUrl: string;
  beforeAll(async () => {
    // Answers with exactly the most the http_request tool reads.
    probe = createServer((_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end(prose(configDefaults.tools.http.maxResponseBytes, 'probe'));
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    probeUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    harness = await createMissionHarness(dialect, { COLONY_HTTP_ALLOW_PRIVATE: 'true' });
    installMockProvider(harness.colony.services.models, () => verboseModel);
    const tools = ['http_request', 'remember', 'recall', 'update_memory', 'ask_agent', 'delegate'];
    await json(await harness.request('POST', '/v1/agents', { body: { name: 'assistant', tools } }));
    await json(
      await harness.request('POST', '/v1/agents', { body: { name: 'verbose', model: 'mock:verbose' } }),
    );
    for (const agent of starterTeam) await json(await harness.request('POST', '/v1/agents', { body: agent }));
  }, 60_000);
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => probe.close(resolve));
  });

  it.each(paths)(
    '$path',
    async ({ check }) => {
      await check(harness, probeUrl);
    },
    150_000,
  );

  it('refuses one character past each input limit with a 400 naming the field', async () => {
    const chat = await json<{ id: string }>(
      await harness.request('POST', '/v1/chats', { body: { agent: 'assistant' } }),
    );
    const over = (limit: number) => 'y'.repeat(limit + 1);
    const refusals: Array<[string, string, unknown, string]> = [
      ['POST', `/v1/chats/${chat.id}/messages`, { content: over(maxChatMessageChars) }, 'json.content'],
      ['POST', '/v1/agents/assistant/messages', { content: over(maxAgentMessageChars) }, 'json.content'],
      ['POST', '/v1/missions', { goal: over(maxMissionGoalChars) }, 'json.goal'],
      ['POST', '/v1/memories', { content: over(maxMemoryContentChars) }, 'json.content'],
      ['GET', `/v1/memories/search?q=${over(maxMemoryQueryChars)}`, undefined, 'query.q'],
    ];
    for (const [method, path, body, field] of refusals) {
      const response = await harness.request(method, path, body === undefined ? {} : { body });
      expect(response.status, path).toBe(400);
      const { error } = (await response.json()) as {
        error: { details: { fields: Array<{ path: string }> } };
      };
      expect(error.details.fields.map((entry) => entry.path)).toEqual([field]);
    }
  });
});
