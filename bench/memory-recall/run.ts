/**
 * Memory recall benchmark: recall@5 and recall@10 of evidence for lexical only, vector only
 * (offline embedder) and the fused five-signal score, over a deterministic synthetic dataset.
 *
 *   node --import tsx bench/memory-recall/run.ts [--no-write] [--database postgres]
 *
 * Results are written for SQLite only; `--database postgres` checks Postgres's lexical ranking.
 */
import { parseArgs } from 'node:util';
import type { Actor } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createIdGenerator, createManualClock } from '../../src/kernel/index.js';
import {
  createMemoryRuntime,
  extractMemories,
  type SignalWeights,
  searchMemories,
} from '../../src/memory/index.js';
import { createSilentLogger } from '../../src/observability/index.js';
import { createTestDatabase } from '../../src/storage/test-support/databases.js';
import { machineLine, writeMemoryResult } from '../memory-perf/results-file.js';
import { type RecallQuestion, recallDataset } from './dataset.js';

const { values: args } = parseArgs({
  options: {
    'no-write': { type: 'boolean', default: false },
    // The results file holds the SQLite run; `--database postgres` checks Postgres's lexical ranking.
    database: { type: 'string', default: 'sqlite' },
  },
});
const dialect = args.database === 'postgres' ? 'postgres' : 'sqlite';

const modes: Record<string, Partial<SignalWeights> | undefined> = {
  'lexical only': { semantic: 0, lexical: 1, recency: 0, importance: 0, frequency: 0 },
  'vector only (offline embedder)': { semantic: 1, lexical: 0, recency: 0, importance: 0, frequency: 0 },
  'fused (default weights)': undefined,
};

const test = await createTestDatabase(dialect);
const clock = createManualClock(Date.UTC(2026, 0, 1));
const ids = createIdGenerator();
const services = { database: test.database, bus: createEventBus(), clock, ids, logger: createSilentLogger() };
// Access statistics never flush during the run, so earlier queries cannot bias later ones.
const memory = createMemoryRuntime(services, { settings: { accessFlushMs: 3_600_000 } });
const orgId = ids.next('org');
await test.database.db
  .insertInto('org')
  .values({ id: orgId, name: 'bench', created_at: clock.now() })
  .execute();
const actor: Actor = { kind: 'system', id: 'system', orgId, role: 'owner' };
const context = { services: { ...services, memory }, actor, signal: new AbortController().signal };

const dataset = recallDataset();
const scopesOf = (conversation: number) => [
  { kind: 'chat' as const, id: `chat_${conversation}` },
  { kind: 'user' as const, id: `usr_${conversation}` },
];
for (const conversation of dataset.conversations) {
  for (let offset = 0; offset < conversation.messages.length; offset += 50) {
    clock.advance(3_600_000);
    const [chat, user] = scopesOf(conversation.index);
    if (!chat || !user) throw new Error('unreachable');
    await extractMemories(context, {
      conversationId: chat.id,
      messages: conversation.messages.slice(offset, offset + 50),
      scopes: { turns: chat, facts: user },
    });
  }
}
clock.advance(86_400_000);

async function recall(
  question: RecallQuestion,
  weights: Partial<SignalWeights> | undefined,
): Promise<number> {
  const hits = await searchMemories(context, {
    query: question.question,
    scopes: scopesOf(question.conversation),
    limit: 10,
    ...(weights ? { weights } : {}),
  });
  const rank = hits.findIndex((hit) =>
    hit.memory.sourceMessageIds.some((id) => question.evidence.includes(id)),
  );
  return rank < 0 ? Number.POSITIVE_INFINITY : rank + 1;
}

const lines: string[] = [];
const header = '| signal | recall@5 | recall@10 | paraphrase @5 | keyword @5 |\n|---|---|---|---|---|';
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
for (const [name, weights] of Object.entries(modes)) {
  const ranks = await Promise.all(dataset.questions.map((question) => recall(question, weights)));
  const at = (k: number, kind?: RecallQuestion['kind']) => {
    const selected = dataset.questions.map((question, index) => ({
      question,
      rank: ranks[index] ?? Infinity,
    }));
    const pool = kind ? selected.filter((entry) => entry.question.kind === kind) : selected;
    return pool.filter((entry) => entry.rank <= k).length / pool.length;
  };
  lines.push(
    `| ${name} | ${percent(at(5))} | ${percent(at(10))} | ${percent(at(5, 'paraphrase'))} | ${percent(at(5, 'keyword'))} |`,
  );
}
const paraphrase = dataset.questions.filter((question) => question.kind === 'paraphrase').length;
const table = [header, ...lines].join('\n');
console.log(table);
await memory.close();
await test.cleanup();
if (!args['no-write'] && dialect === 'sqlite') {
  writeMemoryResult(
    'memory-recall',
    `${machineLine()}\n\n\`node --import tsx bench/memory-recall/run.ts\` — ${dataset.conversations.length} synthetic conversations × ${
      dataset.conversations[0]?.messages.length ?? 0
    } turns (bench/memory-recall/dataset.ts), ingested with the offline extractor; ${dataset.questions.length} questions (${paraphrase} paraphrase, ${
      dataset.questions.length - paraphrase
    } keyword among 8 near-identical statements). A hit counts when a returned memory's source message is the evidence turn.\n\n${table}`,
  );
}
