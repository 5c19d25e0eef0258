import { sql } from 'kysely';
import { loadAgent } from '../agents/index.js';
import { type Context, requireRole } from '../context/index.js';
import { ColonyError } from '../errors/index.js';

export const usageDimensions = ['agent', 'model', 'day'] as const;
export type UsageDimension = (typeof usageDimensions)[number];

export interface UsageQuery {
  /** Epoch ms, inclusive; default: the start of the current UTC month. */
  from?: number | undefined;
  /** Epoch ms, exclusive; default: now. */
  to?: number | undefined;
  /** How to split the totals; none: one row for the whole range. */
  groupBy?: readonly UsageDimension[] | undefined;
  /** Only this agent's usage: its id or name (deleted agents included; 404 for another org's). */
  agent?: string | undefined;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface UsageRow extends UsageTotals {
  agent?: { id: string | null; name: string | null };
  model?: { provider: string; id: string };
  /** The UTC day, `YYYY-MM-DD`. */
  day?: string;
}

export interface UsageReport {
  from: number;
  to: number;
  groupBy: UsageDimension[];
  rows: UsageRow[];
  total: UsageTotals;
}

const dayMs = 86_400_000;

/** The first millisecond of the UTC month that holds `time`. */
export function monthStart(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function totalsOf(row: { calls: unknown; input: unknown; output: unknown; cost: unknown }): UsageTotals {
  const inputTokens = Number(row.input ?? 0);
  const outputTokens = Number(row.output ?? 0);
  return {
    calls: Number(row.calls ?? 0),
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    // Sums of doubles: round to a millionth of a dollar so both databases print the same figure.
    costUsd: Math.round(Number(row.cost ?? 0) * 1e6) / 1e6,
  };
}

/**
 * Model usage and cost of the caller's org over a time range, split by agent, model and/or UTC
 * day (any combination), from the `usage_log` row every model call writes.
 *
 * @example usageReport(context, { groupBy: ['agent', 'day'] }) // this month, per agent per day
 * @throws ColonyError `invalid_input` when `from` is not before `to`.
 */
export async function usageReport(context: Context, query: UsageQuery = {}): Promise<UsageReport> {
  requireRole(context.actor, 'viewer');
  const now = context.services.clock.now();
  const to = query.to ?? now;
  const from = query.from ?? monthStart(to - 1);
  if (from >= to) {
    const message = `must be before to (${to})`;
    throw new ColonyError('invalid_input', `from: ${message}`, { fields: [{ path: 'from', message }] });
  }
  const groupBy = usageDimensions.filter((dimension) => query.groupBy?.includes(dimension));
  const day = sql<number>`usage_log.created_at / ${sql.lit(dayMs)}`;
  let select = context.services.database.db
    .selectFrom('usage_log')
    .where('usage_log.org_id', '=', context.actor.orgId)
    .where('usage_log.created_at', '>=', from)
    .where('usage_log.created_at', '<', to)
    .select((builder) => [
      builder.fn.countAll<number>().as('calls'),
      builder.fn.sum<number>('usage_log.input_tokens').as('input'),
      builder.fn.sum<number>('usage_log.output_tokens').as('output'),
      builder.fn.sum<number>('usage_log.cost_usd').as('cost'),
    ]);
  if (query.agent !== undefined) {
    const agent = await loadAgent(context.services.database.db, context.actor.orgId, query.agent, undefined, {
      includeDeleted: true,
    });
    select = select.where('usage_log.agent_id', '=', agent.id);
  }
  const rows = await select
    .$if(groupBy.includes('agent'), (builder) =>
      builder
        .leftJoin('agent', 'agent.id', 'usage_log.agent_id')
        .select(['usage_log.agent_id as agentId', 'agent.name as agentName'])
        .groupBy(['usage_log.agent_id', 'agent.name']),
    )
    .$if(groupBy.includes('model'), (builder) =>
      builder
        .select(['usage_log.provider as provider', 'usage_log.model as model'])
        .groupBy(['usage_log.provider', 'usage_log.model']),
    )
    .$if(groupBy.includes('day'), (builder) => builder.select(day.as('day')).groupBy(day))
    .execute();
  const report = rows.map((row) => {
    const fields = row as typeof row & {
      agentId?: string | null;
      agentName?: string | null;
      provider?: string;
      model?: string;
      day?: number | string;
    };
    const entry: UsageRow = totalsOf(row);
    if (groupBy.includes('agent'))
      entry.agent = { id: fields.agentId ?? null, name: fields.agentName ?? null };
    if (groupBy.includes('model')) entry.model = { provider: fields.provider ?? '', id: fields.model ?? '' };
    if (groupBy.includes('day')) entry.day = new Date(Number(fields.day) * dayMs).toISOString().slice(0, 10);
    return entry;
  });
  report.sort(
    (a, b) =>
      (a.day ?? '').localeCompare(b.day ?? '') ||
      b.costUsd - a.costUsd ||
      b.totalTokens - a.totalTokens ||
      (a.agent?.name ?? '').localeCompare(b.agent?.name ?? '') ||
      (a.model?.id ?? '').localeCompare(b.model?.id ?? ''),
  );
  const total = report.reduce<UsageTotals>(
    (sum, row) => ({
      calls: sum.calls + row.calls,
      inputTokens: sum.inputTokens + row.inputTokens,
      outputTokens: sum.outputTokens + row.outputTokens,
      totalTokens: sum.totalTokens + row.totalTokens,
      costUsd: Math.round((sum.costUsd + row.costUsd) * 1e6) / 1e6,
    }),
    { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
  );
  // With no grouping and no usage, one zero row would say nothing: keep `rows` empty.
  return { from, to, groupBy, rows: total.calls === 0 ? [] : report, total };
}
