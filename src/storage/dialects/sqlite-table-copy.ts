import { copyFile, rename, rm } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Schema } from '../schema.js';
import type { TableCopy } from './table-copy.js';

/** Pages per backup step until a restart shows writers keep changing the source. */
const stepPages = 4096;

/**
 * SQLite: tables from `sqlite_master` without virtual tables (the memory FTS index) and their
 * shadow tables, ordered by foreign keys; rows by rowid; copies of the file by the backup API.
 */
export const sqliteTableCopy: TableCopy = {
  async dataTables(executor) {
    const { rows } = await sql<{ name: string; sql: string | null }>`
      select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%'
      order by name`.execute(executor);
    const virtual = rows.filter((row) => /^create virtual table/i.test(row.sql ?? '')).map((row) => row.name);
    const tables = rows
      .map((row) => row.name)
      .filter(
        (name) =>
          name !== 'schema_migration' &&
          !virtual.some((table) => name === table || name.startsWith(`${table}_`)),
      );
    const parents = new Map<string, string[]>();
    for (const table of tables) {
      const { rows: keys } = await sql<{ table: string }>`
        select "table" from pragma_foreign_key_list(${table})`.execute(executor);
      parents.set(
        table,
        keys.map((key) => key.table).filter((parent) => parent !== table),
      );
    }
    return parentsFirst(tables, parents);
  },
  async writableColumns(executor, table) {
    // hidden = 0: ordinary columns (2 and 3 are generated columns).
    const { rows } = await sql<{ name: string }>`
      select name from pragma_table_xinfo(${table}) where hidden = 0 order by cid`.execute(executor);
    return rows.map((row) => row.name);
  },
  async *rows(executor, table, columns, batchSize) {
    let after: number | null = null;
    for (;;) {
      const list = sql.join(columns.map((column) => sql.ref(column)));
      const { rows } = await sql<Record<string, unknown> & { __rowid: number }>`
        select rowid as __rowid, ${list} from ${sql.table(table)}
        where ${after === null ? sql`1 = 1` : sql`rowid > ${after}`}
        order by rowid limit ${batchSize}`.execute(executor);
      if (rows.length === 0) return;
      after = Number(rows.at(-1)?.__rowid);
      yield rows.map(({ __rowid: _rowid, ...row }) => row);
      if (rows.length < batchSize) return;
    }
  },
  async readSnapshot(database, fn) {
    // A deferred transaction reads one snapshot of the WAL from its first read on.
    return database.db.transaction().execute(fn);
  },
  async truncate(transaction, tables) {
    for (const table of [...tables].reverse())
      await sql`delete from ${sql.table(table)}`.execute(transaction);
  },
  async afterInsert() {
    // autoincrement keys continue after the largest rowid present; nothing to move.
  },
  async copyFile(database, file, progress) {
    const live = database.native.sqlite;
    if (!live || live.memory) throw new Error('copyFile needs a SQLite database file');
    // A connection of its own: the backup's reads never wait for, nor hold up, the writer's.
    const source = new BetterSqlite3(live.name, { readonly: true, fileMustExist: true });
    source.pragma('busy_timeout = 5000');
    let remaining = Number.POSITIVE_INFINITY;
    let pages = stepPages;
    await source
      .backup(file, {
        progress: ({ totalPages, remainingPages }) => {
          // A step after a write by another connection starts over: copy the rest in one step then,
          // which holds a read snapshot of the WAL (writers go on) and cannot be restarted.
          if (remainingPages > remaining) pages = Number.MAX_SAFE_INTEGER;
          remaining = remainingPages;
          progress?.(totalPages - remainingPages, totalPages);
          return pages;
        },
      })
      .finally(() => source.close());
    // A copy in rollback-journal mode opens read-only without -wal/-shm files, so reading it later
    // (verify, restore) changes no byte of what the checksums cover.
    const copy = new BetterSqlite3(file);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  },
  async readFile(file, fn) {
    const raw = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const executor = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      return await fn(executor);
    } finally {
      await executor.destroy();
    }
  },
  async replaceFile(location, file) {
    // Copy next to the destination first, so the final step is one rename on the same filesystem.
    const staged = `${location}.restoring`;
    await copyFile(file, staged);
    await rm(`${location}-wal`, { force: true });
    await rm(`${location}-shm`, { force: true });
    await rename(staged, location);
  },
};

/** Topological order (parents first); cycles, if any, keep their alphabetical order. */
export function parentsFirst(tables: string[], parents: Map<string, string[]>): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const parent of parents.get(table) ?? []) if (tables.includes(parent)) visit(parent);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}
