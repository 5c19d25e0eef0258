/**
 * Memory recall benchmark: recall@5/@10/@50 of evidence for lexical only, vector only (offline
 * embedder) and the fused ranking, over a deterministic synthetic set with paraphrase, keyword,
 * neighbour, temporal and spread questions (bench/memory-recall/dataset.ts).
 *
 *   node --import tsx bench/memory-recall/run.ts [--no-write] [--database postgres]
 *
 * Results are written for SQLite only; `--database postgres` checks Postgres's lexical ranking.
 */
import { parseArgs } from 'node:util';
import type { Actor } from '../../src/context/index.js';
import { createEventBus } from '../../src/events/index.js';
import { createIdGenerator, createManualClock } from '../../src/kernel/index.js';
import { createMemoryRuntime, extractMemories, searchMemories } from '../../src/memory/index.js';
import type { SearchInput } from '../../src/memory/search.js';
import { createSilentLogger } from '../../src/observability/index.js';
import { createTestDatabase } from '../../src/storage/test-support/databases.js';
import { machineLine, writeMemoryResult } from '../memory-perf/results-file.js';
import { type QuestionKind, questionKinds, type RecallQuestion, recallDataset } from './dataset.js';

const { values: args } = parseArgs({
  options: {
    'no-write': { type: 'boolean', default: false },
    database: { type: 'string', default: 'sqlite' },
  },
});
const dialect = args.database === 'postgres' ? 'postgres' : 'sqlite';

type Mode = Pick<SearchInput, 'weights' | 'neighbourTurns' | 'periodFromQuery'>;
const alone = { neighbourTurns: false, periodFromQuery: false };
const modes: Record<string, Mode> = {
  'lexical only': { ...alone, weights: { semantic: 0, lexical: 1, recency: 0, importance: 0, frequency: 0 } },
  'vector only (offline embedder)': {
    ...alone,
    weights: { semantic: 1, lexical: 0, recency: 0, importance: 0, frequency: 0 },
  },
  'fused (five signals)': alone,
  'fused + period named in the query': { neighbourTurns: false },
  'fused + neighbour turns': { periodFromQuery: false },
  'fused + both (defaults)': {},
};

const test = await createTestDatabase(dialect);
const clock = createManualClock(Date.UTC(2026, 0, 1));
const ids = createIdGenerator();
const services = { database: test.database, bus: createEventBus(), clock, ids, logger: createSilentLogger() };
const memory = createMemoryRuntime(services);
const orgId = ids.next('org');
await test.database.db
  .insertInto('org')
  .values({ id: orgId, name: 'bench', created_at: clock.now() })
  .execute();
const actor: Actor = { kind: 'system', id: 'system', orgId, role: 'owner' };
const context = { services: { ...services, memory }, actor, signal: new AbortController().signal };

const dataset = recallDataset();
const scopesOf = (conversation: number) => ({
  turns: { kind: 'chat' as const, id: `chat_${conversation}` },
  facts: { kind: 'user' as const, id: `usr_${conversation}` },
});
// Everything is imported now, long after the sessions happened (as a held-out benchmark is).
for (const conversation of dataset.conversations) {
  for (let offset = 0; offset < conversation.messages.length; offset += 25) {
    clock.advance(60_000);
    await extractMemories(context, {
      conversationId: scopesOf(conversation.index).turns.id,
      messages: conversation.messages.slice(offset, offset + 25),
      scopes: scopesOf(conversation.index),
    });
  }
}
clock.advance(86_400_000);

/** The fraction of a question's evidence among the source messages of the first k hits, per k. */
async function recall(question: RecallQuestion, mode: Mode, ks: readonly number[]): Promise<number[]> {
  const scopes = scopesOf(question.conversation);
  const hits = await searchMemories(context, {
    query: question.question,
    scopes: [scopes.turns, scopes.facts],
    limit: Math.max(...ks),
    ...mode,
  });
  const sources = hits.map((hit) => hit.memory.sourceMessageIds);
  return ks.map(
    (k) =>
      question.evidence.filter((id) => sources.slice(0, k).some((list) => list.includes(id))).length /
      question.evidence.length,
  );
}

const ks = [5, 10, 50] as const;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const header = `| ranking | ${ks.map((k) => `recall@${k}`).join(' | ')} | ${questionKinds.map((kind) => `${kind} @5`).join(' | ')} |`;
const lines = [header, `|${'---|'.repeat(1 + ks.length + questionKinds.length)}`];

async function measure(name: string, mode: Mode): Promise<void> {
  const results = await Promise.all(dataset.questions.map((question) => recall(question, mode, ks)));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const of = (kind: QuestionKind) =>
    mean(results.filter((_, index) => dataset.questions[index]?.kind === kind).map((r) => r[0] ?? 0));
  lines.push(
    `| ${name} | ${ks.map((_, index) => percent(mean(results.map((r) => r[index] ?? 0)))).join(' | ')} | ${questionKinds.map((kind) => percent(of(kind))).join(' | ')} |`,
  );
}

for (const [name, mode] of Object.entries(modes)) await measure(name, mode);
// The same questions again, after the access statistics of the first pass were written.
await memory.access.flush();
await measure('fused (defaults), asked a second time', {});
const table = lines.join('\n');
console.log(table);
await memory.close();
await test.cleanup();

const counts = questionKinds.map(
  (kind) => `${dataset.questions.filter((question) => question.kind === kind).length} ${kind}`,
);
if (!args['no-write'] && dialect === 'sqlite') {
  writeMemoryResult(
    'memory-recall',
    `${machineLine()}\n\n\`node --import tsx bench/memory-recall/run.ts\` — ${dataset.conversations.length} synthetic conversations × ${
      dataset.conversations[0]?.messages.length ?? 0
    } turns in 16 dated sessions (bench/memory-recall/dataset.ts), imported at once long after they happened and ingested with the offline extractor; ${dataset.questions.length} questions (${counts.join(', ')}). recall@k is the fraction of a question's evidence turns among the source messages of the first k hits, averaged over questions.\n\n${table}`,
  );
}
