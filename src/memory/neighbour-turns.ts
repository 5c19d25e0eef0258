import type { Kysely } from 'kysely';
import type { Schema } from '../storage/index.js';
import { loadRows, type MemoryRow, memoryColumns } from './rows.js';
import type { MemorySignals } from './types.js';

/** A neighbour turn scores this share of the score of the hit it sits next to. */
export const neighbourShare = 0.75;

/** A ranked search entry; `besideId` is set when it is there as a hit's neighbouring turn. */
export interface RankedEntry {
  row: MemoryRow;
  signals: MemorySignals;
  matched: string[];
  score: number;
  besideId?: string;
}

/**
 * Scores turn windows: each episodic hit among the first `limit` lends its neighbouring turns (the
 * previous and the next turn of the same conversation, by `previous_turn_id`) `neighbourShare`
 * of its score, so an answer in the reply next to the matching turn ("They were awestruck")
 * ranks right after it. The list is cut to `limit` again: neighbours take places of weaker hits,
 * never add to the count (the same budget). `eligible` applies the search's own filters.
 */
export async function withNeighbourTurns(
  db: Kysely<Schema>,
  orgId: string,
  ranked: readonly RankedEntry[],
  limit: number,
  eligible: (row: MemoryRow) => boolean,
  zeroSignals: (row: MemoryRow) => MemorySignals,
): Promise<RankedEntry[]> {
  const top = ranked.slice(0, limit).filter((entry) => entry.row.type === 'episodic');
  if (top.length === 0) return ranked.slice(0, limit);
  const topIds = top.map((entry) => entry.row.id);
  const previousIds = top.flatMap((entry) =>
    entry.row.previous_turn_id ? [entry.row.previous_turn_id] : [],
  );
  const [previous, next] = await Promise.all([
    loadRows(db, orgId, previousIds),
    // By the previous_turn_id index alone (an org_id condition lets SQLite pick the org's scope
    // index and walk every row of the org); rows of another org are dropped below.
    db.selectFrom('memory').select(memoryColumns).where('previous_turn_id', 'in', topIds).execute(),
  ]);
  const byId = new Map(ranked.map((entry) => [entry.row.id, entry]));
  const rowsById = new Map(
    [...previous, ...next].filter((row) => row.org_id === orgId).map((row) => [row.id, row]),
  );
  const entries = new Map(byId);
  for (const hit of top) {
    const beside = [...rowsById.values()].filter(
      (row) => row.id === hit.row.previous_turn_id || row.previous_turn_id === hit.row.id,
    );
    for (const row of beside) {
      if (!eligible(row)) continue;
      const score = hit.score * neighbourShare;
      const current = entries.get(row.id);
      if (current && current.score >= score) continue;
      entries.set(row.id, {
        row,
        signals: current?.signals ?? zeroSignals(row),
        matched: current?.matched ?? [],
        score,
        besideId: hit.row.id,
      });
    }
  }
  return [...entries.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
