import type { Kysely } from 'kysely';
import { ColonyError, notFound } from '../errors/index.js';
import type { Schema } from '../storage/index.js';
import { parseJson } from '../storage/index.js';

/** Picks an agent for a capability; the expert gate of `orchestration/` plugs in here when present. */
export type AgentChooser = (input: {
  orgId: string;
  capability: string;
  task: string;
  exclude: string[];
}) => Promise<{ agentId: string; decisionId: string | null; method: string }>;

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);

/**
 * The fallback chooser: the live agent whose capability tags and text overlap the requested
 * capability most (ties broken by name), never one of `exclude`.
 */
export function createCapabilityChooser(db: Kysely<Schema>): AgentChooser {
  return async ({ orgId, capability, exclude }) => {
    const rows = await db
      .selectFrom('agent')
      .innerJoin('agent_version', (join) =>
        join
          .onRef('agent_version.agent_id', '=', 'agent.id')
          .onRef('agent_version.version', '=', 'agent.current_version'),
      )
      .select(['agent.id', 'agent.name', 'agent_version.capabilities'])
      .where('agent.org_id', '=', orgId)
      .where('agent.deleted_at', 'is', null)
      .execute();
    const wanted = words(capability);
    let best: { id: string; name: string; score: number } | undefined;
    for (const row of rows) {
      if (exclude.includes(row.id)) continue;
      const profile = parseJson<{ text?: string; tags?: string[] }>(row.capabilities, {});
      const tags = new Set((profile.tags ?? []).map((tag) => tag.toLowerCase()));
      const text = words(profile.text ?? '');
      let score = 0;
      for (const word of wanted) score += (tags.has(word) ? 2 : 0) + (text.has(word) ? 1 : 0);
      if (tags.has(capability.toLowerCase())) score += 3;
      if (score > 0 && (!best || score > best.score || (score === best.score && row.name < best.name))) {
        best = { id: row.id, name: row.name, score };
      }
    }
    if (!best) throw new ColonyError('not_found', `no agent has the capability "${capability}"`);
    return { agentId: best.id, decisionId: null, method: 'capability-match' };
  };
}

/** Resolves an agent named by id or name in the org. */
export async function agentByName(
  db: Kysely<Schema>,
  orgId: string,
  idOrName: string,
): Promise<{ id: string; name: string }> {
  const row = await db
    .selectFrom('agent')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .where((builder) => builder.or([builder('id', '=', idOrName), builder('name', '=', idOrName)]))
    .executeTakeFirst();
  if (!row) throw notFound('agent', idOrName);
  return row;
}
