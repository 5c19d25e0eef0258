import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { type FuzzContext, type FuzzRequest, requestsFor } from './test-support/fuzz-requests.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';
import { type OpenApiDocument, operationsOf } from './test-support/openapi-responses.js';

/**
 * `COLONY_FUZZ_SEED` replays a failure (its report prints the seed; `random` explores anew),
 * `COLONY_FUZZ_RUNS` sets the requests per operation, `COLONY_FUZZ_OPERATION` picks one
 * operation by its operationId.
 */
const seedSetting = process.env.COLONY_FUZZ_SEED ?? '11014';
const seed = seedSetting === 'random' ? Date.now() % 2 ** 31 : Number(seedSetting);
const runs = Number(process.env.COLONY_FUZZ_RUNS ?? 30);
const only = process.env.COLONY_FUZZ_OPERATION;

/** Creates one of each resource so that path ids sometimes name something real. */
async function createFixtures(harness: HttpHarness): Promise<Omit<FuzzContext, 'components' | 'ids'>> {
  const post = async (path: string, body: unknown) => {
    const response = await harness.request('POST', path, { body });
    if (response.status >= 300)
      throw new Error(`fixture ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, { id: string } & Record<string, unknown>>;
  };
  const agent = await post('/v1/agents', { name: 'fuzz-target' });
  const chat = await post('/v1/chats', { agent: agent.id });
  const posted = await post(`/v1/chats/${chat.id}/messages`, { content: 'hello' });
  const task = await post('/v1/tasks', { kind: 'noop' });
  const memory = await post('/v1/memories', { content: 'the fuzzer was here' });
  const mission = await post('/v1/missions', { goal: 'survive the fuzzer' });
  const key = await post('/v1/keys', { name: 'spare', role: 'viewer' });
  const ids = (value: unknown) => [String((value as { id: unknown }).id)];
  const idsByKind = {
    agents: [...ids(agent), 'fuzz-target'],
    chats: ids(chat),
    runs: ids(posted.run),
    tasks: ids(task),
    memories: ids(memory.memory),
    missions: ids(mission),
    keys: ids(key.apiKey),
  };
  const examples = {
    createAgent: [{ name: 'fuzz-created', capabilities: { text: 'fuzzing', tags: ['fuzz'] } }],
    updateAgent: [{ description: 'edited by the fuzzer', tools: [] }],
    sendAgentMessage: [{ content: 'hello agent', data: { n: 1 }, trigger: false }],
    createChat: [{ agent: agent.id, title: 'fuzz' }],
    postChatMessage: [{ content: 'hello again' }],
    decideRunApproval: [{ toolCallId: 'call_1', decision: 'approve' }],
    createApiKey: [{ name: 'fuzz key', role: 'viewer' }],
    createTask: [
      { kind: 'echo', payload: { text: 'x' } },
      { kind: 'noop', idempotencyKey: 'fuzz' },
    ],
    createMission: [{ goal: 'fuzz the API', checkpoints: false }],
    createMemory: [{ content: 'a fuzzed fact', tags: ['fuzz'], importance: 0.5 }],
    importMemories: [{ items: [{ content: 'an imported fuzzed fact', occurredAt: 1, source: 'fuzz' }] }],
    stopMission: [{ reason: 'fuzz' }],
  };
  return { idsByKind, examples };
}

/** A report cut to a readable size: a counterexample may hold a body 100,000 levels deep. */
function shorten(report: string): string {
  return report.replaceAll(
    /(.)\1{80,}/g,
    (run, character: string) => `${character.repeat(20)}…(${run.length}×)`,
  );
}

/** Operations of the JSON-RPC protocols (MCP, A2A): their refusals are JSON-RPC error objects. */
const jsonRpcTags = ['mcp', 'a2a'];

async function send(harness: HttpHarness, request: FuzzRequest, jsonRpc: boolean): Promise<void> {
  const before = await harness.rowCounts();
  // The harness checks the response against /openapi.json: an undocumented status or shape fails.
  const response = await harness.request(request.method, request.path, {
    ...(request.body === undefined ? {} : { body: request.body }),
    contentType: request.contentType,
    headers: request.headers,
  });
  if (response.headers.get('Content-Type')?.startsWith('text/event-stream')) await response.body?.cancel();
  expect(response.status).toBeLessThan(500);
  if (response.status < 400) return;
  const body = (await response.json()) as {
    jsonrpc?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  const rpcError = jsonRpc && body.jsonrpc === '2.0' && Number.isInteger(body.error?.code);
  if (!rpcError) expect(typeof body.error?.code).toBe('string');
  expect(typeof body.error?.message).toBe('string');
  expect(await harness.rowCounts()).toEqual(before);
}

describe.each(testDialects)('fuzzing every operation of /openapi.json on %s', (dialect) => {
  let harness: HttpHarness;
  let document: OpenApiDocument;
  let context: FuzzContext;
  beforeAll(async () => {
    harness = await createHttpHarness(dialect);
    document = (await (await harness.request('GET', '/openapi.json')).json()) as OpenApiDocument;
    const fixtures = await createFixtures(harness);
    const ids = Object.values(fixtures.idsByKind).flat();
    context = { components: document.components?.schemas ?? {}, ids, ...fixtures };
  });
  afterAll(async () => {
    await harness.close();
  });

  it('answers no 5xx, a JSON error on 4xx, and a refused request leaves every table as it was', async () => {
    const failures: string[] = [];
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(30);
    for (const [index, { path: template, method, operation }] of operations.entries()) {
      if (only && operation.operationId !== only) continue;
      const details = await fc.check(
        fc.asyncProperty(requestsFor(method, template, operation, context), (request) =>
          send(harness, request, operation.tags?.some((tag) => jsonRpcTags.includes(tag)) === true),
        ),
        { seed: seed + index, numRuns: runs },
      );
      if (details.failed) {
        const report = fc.defaultReportMessage(details) ?? '';
        failures.push(
          `${method.toUpperCase()} ${template} (${operation.operationId}) failed; replay with COLONY_FUZZ_SEED=${seed} COLONY_FUZZ_OPERATION=${operation.operationId}:\n${shorten(report)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
