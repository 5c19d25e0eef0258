import type { Kysely } from 'kysely';
import type { Schema } from '../storage/index.js';
import type { Embedder } from './embedder.js';
import { ScopeVectorIndex } from './scope-vector-index.js';
import type { MemoryScope } from './types.js';
import { decodeVector } from './vector-format.js';

interface Entry {
  index: ScopeVectorIndex;
  /** The largest `updated_at` seen; rows at or after it are re-read on refresh. */
  highWater: number;
  dirty: boolean;
  refreshing: Promise<void> | null;
}

/**
 * Per-scope vector indexes held in process. Each search checks the scope's `max(updated_at)`
 * (one index seek) and re-reads only rows changed since; writes in this process also mark the
 * scope dirty after commit. A scope is loaded on first use.
 */
export class VectorCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly embedder: Embedder) {}

  invalidate(scopeKey: string): void {
    const entry = this.entries.get(scopeKey);
    if (entry) entry.dirty = true;
  }

  clear(): void {
    this.entries.clear();
  }

  async ensure(
    database: Kysely<Schema>,
    orgId: string,
    scope: MemoryScope,
    scopeKey: string,
  ): Promise<ScopeVectorIndex> {
    let entry = this.entries.get(scopeKey);
    if (entry && entry.index.deadRatio > 0.25) {
      this.entries.delete(scopeKey);
      entry = undefined;
    }
    if (!entry) {
      entry = {
        index: new ScopeVectorIndex(this.embedder.dimensions, this.embedder.sparse),
        highWater: Number.NEGATIVE_INFINITY,
        dirty: true,
        refreshing: null,
      };
      this.entries.set(scopeKey, entry);
    }
    const current = entry;
    while (current.refreshing) await current.refreshing;
    if (!current.dirty) {
      const row = await database
        .selectFrom('memory')
        .select((builder) => builder.fn.max('updated_at').as('top'))
        .where('org_id', '=', orgId)
        .where('scope_kind', '=', scope.kind)
        .where('scope_id', '=', scope.id)
        .executeTakeFirst();
      const top = row?.top === null || row?.top === undefined ? Number.NEGATIVE_INFINITY : Number(row.top);
      if (top > current.highWater) current.dirty = true;
    }
    if (current.dirty && !current.refreshing) {
      current.refreshing = this.refresh(database, orgId, scope, current).finally(() => {
        current.refreshing = null;
      });
    }
    while (current.refreshing) await current.refreshing;
    return current.index;
  }

  private async refresh(
    database: Kysely<Schema>,
    orgId: string,
    scope: MemoryScope,
    entry: Entry,
  ): Promise<void> {
    entry.dirty = false;
    let query = database
      .selectFrom('memory')
      .select([
        'id',
        'type',
        'created_at',
        'valid_to',
        'superseded_by',
        'deleted_at',
        'embedding',
        'embedding_model',
        'updated_at',
      ])
      .where('org_id', '=', orgId)
      .where('scope_kind', '=', scope.kind)
      .where('scope_id', '=', scope.id);
    if (Number.isFinite(entry.highWater)) query = query.where('updated_at', '>=', entry.highWater);
    const rows = await query.orderBy('updated_at', 'asc').execute();
    for (const row of rows) {
      const usable = row.embedding !== null && row.embedding_model === this.embedder.modelId;
      entry.index.upsert({
        id: row.id,
        type: row.type,
        createdAt: Number(row.created_at),
        validTo: row.valid_to === null ? null : Number(row.valid_to),
        superseded: row.superseded_by !== null,
        deleted: row.deleted_at !== null,
        vector: usable && row.embedding ? decodeVector(row.embedding) : null,
      });
      entry.highWater = Math.max(entry.highWater, Number(row.updated_at));
    }
  }
}
