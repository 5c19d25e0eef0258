import type { Kysely } from 'kysely';
import { loadAgent } from '../agents/index.js';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import type { Row, Schema } from '../storage/index.js';
import { monthStart } from './usage-report.js';

/** A monthly budget and what this UTC month has used of it. */
export interface Budget {
  /** `org`, or the agent it limits. */
  scope: 'org' | 'agent';
  agent: { id: string; name: string } | null;
  /** Tokens (input + output) per UTC month; null: no token limit. */
  maxTokensPerMonth: number | null;
  /** USD per UTC month; null: no cost limit. */
  maxCostUsdPerMonth: number | null;
  used: { tokens: number; costUsd: number; since: number };
  createdAt: number;
  updatedAt: number;
}

export interface BudgetInput {
  maxTokensPerMonth?: number | null | undefined;
  maxCostUsdPerMonth?: number | null | undefined;
}

/** A budget spent: which, its value and this month's use. */
export interface BudgetBreach {
  limit: 'orgTokensPerMonth' | 'orgCostUsdPerMonth' | 'agentTokensPerMonth' | 'agentCostUsdPerMonth';
  max: number;
  used: number;
}

interface Spent {
  tokens: number;
  costUsd: number;
}

async function spentSince(
  executor: Kysely<Schema>,
  orgId: string,
  since: number,
  agentId: string | null,
): Promise<Spent> {
  const row = await executor
    .selectFrom('usage_log')
    .where('org_id', '=', orgId)
    .where('created_at', '>=', since)
    .$if(agentId !== null, (builder) => builder.where('agent_id', '=', agentId))
    .select((builder) => [
      builder.fn.sum<number>('input_tokens').as('input'),
      builder.fn.sum<number>('output_tokens').as('output'),
      builder.fn.sum<number>('cost_usd').as('cost'),
    ])
    .executeTakeFirst();
  return {
    tokens: Number(row?.input ?? 0) + Number(row?.output ?? 0),
    costUsd: Math.round(Number(row?.cost ?? 0) * 1e6) / 1e6,
  };
}

/**
 * The first monthly budget of the org or of `agentId` that this UTC month has spent (use at or
 * above the limit; a cost limit of 0 is spent by any cost, so it admits only free models), or null. Runs check it before they are created and before every model step.
 * Costs two small reads when budgets exist and one when none does.
 */
export async function spentBudget(
  executor: Kysely<Schema>,
  input: { orgId: string; agentId: string | null; now: number },
): Promise<BudgetBreach | null> {
  const budgets = await executor
    .selectFrom('usage_budget')
    .selectAll()
    .where('org_id', '=', input.orgId)
    .where('scope', 'in', input.agentId ? ['org', input.agentId] : ['org'])
    .execute();
  const since = monthStart(input.now);
  // The org's budget first: when both are spent, the run is told about the wider one.
  const orgFirst = (budget: { scope: string }) => (budget.scope === 'org' ? 0 : 1);
  for (const budget of budgets.sort((a, b) => orgFirst(a) - orgFirst(b))) {
    const org = budget.scope === 'org';
    const spent = await spentSince(executor, input.orgId, since, org ? null : budget.agent_id);
    if (budget.max_tokens !== null && spent.tokens >= Number(budget.max_tokens)) {
      const limit = org ? 'orgTokensPerMonth' : 'agentTokensPerMonth';
      return { limit, max: Number(budget.max_tokens), used: spent.tokens };
    }
    // As an agent's `maxCostUsdPerRun`: a budget of 0 admits free models, so spent means > 0.
    if (budget.max_cost_usd !== null && spent.costUsd > 0 && spent.costUsd >= budget.max_cost_usd) {
      const limit = org ? 'orgCostUsdPerMonth' : 'agentCostUsdPerMonth';
      return { limit, max: budget.max_cost_usd, used: spent.costUsd };
    }
  }
  return null;
}

/** The message of a spent budget: the limit, its value, the use, and when it resets. */
export function budgetMessage(breach: BudgetBreach): string {
  const unit = breach.limit.includes('Tokens') ? 'tokens' : 'USD';
  const whose = breach.limit.startsWith('org') ? "the org's" : "the agent's";
  return `quota_exceeded: ${whose} monthly budget ${breach.limit} = ${breach.max} is spent (used: ${breach.used} ${unit} this UTC month)`;
}

/** Throws `quota_exceeded` (HTTP 429) when a budget of the org or agent is spent. */
export async function assertBudgetLeft(
  executor: Kysely<Schema>,
  input: { orgId: string; agentId: string | null; now: number },
): Promise<void> {
  const breach = await spentBudget(executor, input);
  if (breach) {
    throw new ColonyError('quota_exceeded', budgetMessage(breach).replace(/^quota_exceeded: /, ''), {
      limit: breach.limit,
      max: breach.max,
      used: breach.used,
    });
  }
}

async function toBudget(executor: Kysely<Schema>, row: Row<'usage_budget'>, now: number): Promise<Budget> {
  const since = monthStart(now);
  const spent = await spentSince(executor, row.org_id, since, row.scope === 'org' ? null : row.agent_id);
  let agent: Budget['agent'] = null;
  if (row.agent_id) {
    const found = await executor
      .selectFrom('agent')
      .select(['id', 'name'])
      .where('id', '=', row.agent_id)
      .executeTakeFirst();
    agent = { id: row.agent_id, name: found?.name ?? row.agent_id };
  }
  return {
    scope: row.scope === 'org' ? 'org' : 'agent',
    agent,
    maxTokensPerMonth: row.max_tokens === null ? null : Number(row.max_tokens),
    maxCostUsdPerMonth: row.max_cost_usd,
    used: { tokens: spent.tokens, costUsd: spent.costUsd, since },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The org's budgets (the org's first, then agents' by name), each with this month's use. */
export async function listBudgets(context: Context): Promise<Budget[]> {
  requireRole(context.actor, 'viewer');
  const { db } = context.services.database;
  const rows = await db
    .selectFrom('usage_budget')
    .selectAll()
    .where('org_id', '=', context.actor.orgId)
    .execute();
  const now = context.services.clock.now();
  const budgets = await Promise.all(rows.map((row) => toBudget(db, row, now)));
  return budgets.sort(
    (a, b) =>
      (a.scope === 'org' ? 0 : 1) - (b.scope === 'org' ? 0 : 1) ||
      (a.agent?.name ?? '').localeCompare(b.agent?.name ?? ''),
  );
}

async function scopeOf(executor: Kysely<Schema>, orgId: string, agent: string | undefined) {
  if (agent === undefined) return { scope: 'org', agentId: null };
  const found = await loadAgent(executor, orgId, agent);
  return { scope: found.id, agentId: found.id };
}

/**
 * Sets the monthly budget of the org (no `agent`) or of one agent (its id or name): admins only.
 * A limit given as null is lifted; one not given is kept. At least one limit must stay.
 *
 * @example setBudget(context, undefined, { maxCostUsdPerMonth: 50 })
 */
export async function setBudget(
  context: Context,
  agent: string | undefined,
  input: BudgetInput,
): Promise<Budget> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const { scope, agentId } = await scopeOf(transaction, actor.orgId, agent);
    const current = await transaction
      .selectFrom('usage_budget')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('scope', '=', scope)
      .executeTakeFirst();
    const maxTokens =
      input.maxTokensPerMonth === undefined ? (current?.max_tokens ?? null) : input.maxTokensPerMonth;
    const maxCost =
      input.maxCostUsdPerMonth === undefined ? (current?.max_cost_usd ?? null) : input.maxCostUsdPerMonth;
    if (maxTokens === null && maxCost === null) {
      const message = 'give maxTokensPerMonth or maxCostUsdPerMonth (to remove a budget, delete it)';
      throw new ColonyError('invalid_input', message, {
        fields: [{ path: 'maxTokensPerMonth', message }],
      });
    }
    const now = services.clock.now();
    if (current) {
      await transaction
        .updateTable('usage_budget')
        .set({ max_tokens: maxTokens, max_cost_usd: maxCost, updated_at: now })
        .where('id', '=', current.id)
        .execute();
    } else {
      await transaction
        .insertInto('usage_budget')
        .values({
          id: services.ids.next('bdg'),
          org_id: actor.orgId,
          scope,
          agent_id: agentId,
          max_tokens: maxTokens,
          max_cost_usd: maxCost,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await recordAudit(transaction, services, actor, {
      action: 'budget.set',
      resourceType: 'budget',
      resourceId: scope,
      details: { maxTokensPerMonth: maxTokens, maxCostUsdPerMonth: maxCost },
    });
    const row = await transaction
      .selectFrom('usage_budget')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('scope', '=', scope)
      .executeTakeFirstOrThrow();
    return toBudget(transaction, row, now);
  });
}

/** Removes the org's budget (no `agent`) or an agent's: admins only; 404 when there is none. */
export async function deleteBudget(context: Context, agent: string | undefined): Promise<void> {
  requireRole(context.actor, 'admin');
  const { services, actor } = context;
  await inUnitOfWork(context, async ({ transaction }) => {
    const { scope } = await scopeOf(transaction, actor.orgId, agent);
    const deleted = await transaction
      .deleteFrom('usage_budget')
      .where('org_id', '=', actor.orgId)
      .where('scope', '=', scope)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) {
      throw new ColonyError(
        'not_found',
        agent === undefined ? 'the org has no budget' : 'the agent has no budget',
      );
    }
    await recordAudit(transaction, services, actor, {
      action: 'budget.delete',
      resourceType: 'budget',
      resourceId: scope,
    });
  });
}
