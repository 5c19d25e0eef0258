import { type RawBuilder, sql } from 'kysely';
import type { LexicalSearch } from './lexical-memory.js';

/** Shared row filters for the memory table aliased `m` (validity, type, time, tags). */
export function memoryFilterSql(search: LexicalSearch): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`m.org_id = ${search.orgId}`, sql`m.deleted_at is null`];
  const scopeParts = search.scopes.map(
    (scope) => sql`(m.scope_kind = ${scope.kind} and m.scope_id = ${scope.id})`,
  );
  parts.push(sql`(${sql.join(scopeParts, sql` or `)})`);
  if (!search.includeInvalid) {
    parts.push(sql`m.superseded_by is null`);
    parts.push(sql`(m.valid_to is null or m.valid_to > ${search.now})`);
  }
  if (search.types && search.types.length > 0) parts.push(sql`m.type in (${sql.join([...search.types])})`);
  if (search.from !== undefined) parts.push(sql`m.created_at >= ${search.from}`);
  if (search.to !== undefined) parts.push(sql`m.created_at <= ${search.to}`);
  if (search.tags && search.tags.length > 0) {
    parts.push(
      sql`m.id in (select t.memory_id from memory_tag t where t.org_id = ${search.orgId} and t.tag in (${sql.join([...search.tags])}))`,
    );
  }
  return sql.join(parts, sql` and `);
}
