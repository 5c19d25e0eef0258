import { sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Memory content hashes shrink from 64 to 32 hex characters (128 bits of SHA-256, plenty to
 * tell exact duplicates apart): the hash is stored twice per memory (the row and the
 * `memory_scope_hash` index), ~64 bytes of the ~1.4 KB a memory costs (decision 0030). Existing
 * hashes are cut to the same prefix, so exact-duplicate detection keeps matching old rows.
 */
export const memoryShortHashes: Migration = {
  version: 13,
  name: 'memory-short-hashes',
  async up(db) {
    await sql`update memory set content_hash = substr(content_hash, 1, 32) where length(content_hash) > 32`.execute(
      db,
    );
  },
};
