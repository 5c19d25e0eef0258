import { sql } from 'kysely';
import { parentsFirst } from './sqlite-table-copy.js';
import type { TableCopy } from './table-copy.js';

/**
 * Postgres: base tables of the current schema ordered by foreign keys; rows paged by `ctid` inside
 * one REPEATABLE READ, READ ONLY transaction (a consistent snapshot; tid range scans, PG 14+);
 * sequences moved past the restored keys.
 */
export const postgresTableCopy: TableCopy = {
  async dataTables(executor) {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'schema_migration'
      order by table_name`.execute(executor);
    const { rows: keys } = await sql<{ child: string; parent: string }>`
      select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = current_schema()`.execute(executor);
    const parents = new Map<string, string[]>();
    for (const key of keys) {
      const child = unquote(key.child);
      const parent = unquote(key.parent);
      if (child !== parent) parents.set(child, [...(parents.get(child) ?? []), parent]);
    }
    return parentsFirst(
      rows.map((row) => row.name),
      parents,
    );
  },
  async writableColumns(executor, table) {
    const { rows } = await sql<{ name: string }>`
      select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
      order by ordinal_position`.execute(executor);
    return rows.map((row) => row.name);
  },
  async *rows(executor, table, columns, batchSize) {
    let after: string | null = null;
    const list = sql.join(columns.map((column) => sql.ref(column)));
    for (;;) {
      const { rows } = await sql<Record<string, unknown> & { __ctid: string }>`
        select ctid::text as __ctid, ${list} from ${sql.table(table)}
        where ${after === null ? sql`true` : sql`ctid > ${after}::tid`}
        order by ctid limit ${batchSize}`.execute(executor);
      if (rows.length === 0) return;
      after = rows.at(-1)?.__ctid ?? null;
      yield rows.map(({ __ctid: _ctid, ...row }) => row);
      if (rows.length < batchSize) return;
    }
  },
  async readSnapshot(database, fn) {
    return database.db.transaction().execute(async (transaction) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(transaction);
      await sql`set local statement_timeout = 0`.execute(transaction);
      return fn(transaction);
    });
  },
  async truncate(transaction, tables) {
    // A restore inserts whole tables in this transaction: no statement limit applies to it.
    await sql`set local statement_timeout = 0`.execute(transaction);
    if (tables.length === 0) return;
    await sql`truncate ${sql.join(tables.map((table) => sql.table(table)))} restart identity cascade`.execute(
      transaction,
    );
  },
  async afterInsert(transaction, tables) {
    const { rows } = await sql<{ table: string; column: string; sequence: string }>`
      select c.table_name as table, c.column_name as column,
             pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) as sequence
      from information_schema.columns c
      where c.table_schema = current_schema()
        and pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) is not null`.execute(
      transaction,
    );
    for (const row of rows.filter((entry) => tables.includes(entry.table))) {
      await sql`select setval(${row.sequence}, coalesce((select max(${sql.ref(row.column)}) from ${sql.table(row.table)}), 0) + 1, false)`.execute(
        transaction,
      );
    }
  },
};

function unquote(name: string): string {
  return name.replace(/^"|"$/g, '');
}
