/**
 * What a secret costs a tool call: resolving a granted secret (grant check, open, and the
 * committed `secret-used` event + audit row), sealing and opening alone, and redacting a large
 * tool output. SQLite in a temp dir; results in bench/RESULTS.md, section "secrets".
 *
 *   node --import tsx bench/secrets/run.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemActor } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createOrg } from '../../src/identity/index.js';
import { createIdGenerator, systemClock } from '../../src/kernel/index.js';
import { createSilentLogger } from '../../src/observability/index.js';
import {
  createSecret,
  createSecretResolver,
  createSecretVault,
  grantSecret,
} from '../../src/secrets/index.js';
import { secretsKeyOf } from '../../src/secrets/secret-key.js';
import { migrate, openDatabase } from '../../src/storage/index.js';
import { redactSecrets, type ToolContext } from '../../src/tools/index.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const calls = 1000;
const warmup = 100;
const signal = new AbortController().signal;
const directory = mkdtempSync(join(tmpdir(), 'colony-bench-secrets-'));
const database = openDatabase({ url: join(directory, 'bench.db') });
await migrate(database);
const secrets = createSecretVault(secretsKeyOf(randomBytes(32), 'bench'));
const services = {
  database,
  bus: createEventBus(),
  clock: systemClock,
  ids: createIdGenerator(),
  logger: createSilentLogger(),
  secrets,
};
const org = await createOrg(services, { name: 'bench' });
const context = { services, actor: systemActor(org.id), signal };
const value = `bench-${randomBytes(16).toString('hex')}`;
await createSecret(context, { name: 'TOKEN', value });
await database.db
  .insertInto('agent')
  .values({
    id: 'agt_bench',
    org_id: org.id,
    name: 'bench',
    current_version: 1,
    created_at: 1,
    updated_at: 1,
    deleted_at: null,
  })
  .execute();
await grantSecret(context, 'TOKEN', { agent: 'agt_bench' });
const resolver = createSecretResolver(services);
const toolContext: ToolContext = {
  signal,
  now: () => systemClock.now(),
  orgId: org.id,
  runId: 'run_bench',
  toolCallId: 'call_bench',
  taskId: null,
  agentId: 'agt_bench',
  chatId: 'chat_bench',
  createdBy: null,
  httpEndpoints: {},
};

async function timed(run: () => unknown): Promise<[number, number]> {
  const times: number[] = [];
  for (let index = 0; index < warmup + calls; index++) {
    const started = performance.now();
    await run();
    if (index >= warmup) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return [percentile(times, 50), percentile(times, 90)];
}

const sealed = secrets.seal(org.id, 'TOKEN', value);
const output = { status: 200, body: `${'x'.repeat(32_000)}${value}${'y'.repeat(32_000)}` };
const resolved = await resolver.forToolCall(toolContext, 'http_request', ['TOKEN']);
const rows: Array<[string, [number, number]]> = [
  [
    'resolve 1 granted secret for a call (checks + event + audit row, committed)',
    await timed(() => resolver.forToolCall(toolContext, 'http_request', ['TOKEN'])),
  ],
  ['seal (AES-256-GCM, 40-byte value)', await timed(() => secrets.seal(org.id, 'TOKEN', value))],
  ['open', await timed(() => secrets.open(org.id, 'TOKEN', sealed))],
  ['redact a 64 KB tool output', await timed(() => redactSecrets(output, resolved))],
];
const table = markdownTable(
  ['operation', 'p50 ms', 'p90 ms'],
  rows.map(([name, [p50, p90]]) => [name, p50.toFixed(3), p90.toFixed(3)]),
);
writeSection('secrets', `${machineLine()} · SQLite · ${calls} runs each after ${warmup} warm-up\n\n${table}`);
console.log(table);
await database.close();
rmSync(directory, { recursive: true, force: true });
