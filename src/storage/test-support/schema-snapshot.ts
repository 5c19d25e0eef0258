import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import type { DialectName } from '../dialects/dialect.js';
import { migrations } from '../migrations/index.js';
import { migrate } from '../migrator.js';
import type { Schema } from '../schema.js';

/**
 * Every schema object as the database itself reports it, one line each. SQLite: the stored DDL of
 * each table, index and virtual table (FTS5's shadow tables are left out: SQLite makes them, and
 * their layout follows the library version). Postgres: columns with type, nullability, default
 * and generation expression, constraints, indexes and sequences, from the catalog.
 */
const introspect: Record<DialectName, (db: Kysely<Schema>) => Promise<string[]>> = {
  async sqlite(db) {
    const { rows } = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
      select type, name, tbl_name, sql from sqlite_master
      where name not in (select name from pragma_table_list where type = 'shadow')
      order by type, name`.execute(db);
    return rows.map((row) => `${row.type} ${row.name} on ${row.tbl_name}: ${row.sql ?? '(automatic)'}`);
  },
  async postgres(db) {
    const columns = await sql<{ line: string }>`
      select format('column %s.%s %s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
          case when a.attnotnull then ' not null' else '' end,
          case when d.adbin is not null and a.attgenerated = '' then ' default ' || pg_get_expr(d.adbin, d.adrelid) else '' end,
          case when a.attgenerated = 's' then ' generated always as (' || pg_get_expr(d.adbin, d.adrelid) || ') stored' else '' end) as line
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid and c.relkind = 'r'
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attnum`.execute(db);
    const constraints = await sql<{ line: string }>`
      select format('constraint %s.%s: %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) as line
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      order by c.relname, k.conname`.execute(db);
    const indexes = await sql<{ line: string }>`
      select format('index %s: %s', indexname, indexdef) as line from pg_indexes
      where schemaname = 'public' order by indexname`.execute(db);
    const sequences = await sql<{ line: string }>`
      select format('sequence %s: %s start %s increment %s', sequencename, data_type, start_value, increment_by) as line
      from pg_sequences where schemaname = 'public' order by sequencename`.execute(db);
    return [...columns.rows, ...constraints.rows, ...indexes.rows, ...sequences.rows].map((row) => row.line);
  },
};

/**
 * Migrates an empty `database` one version at a time and writes down what each migration changed:
 * a section per migration, `+` for an object it created (or the new form of one it altered), `-`
 * for the form it replaced. A shipped migration's section therefore never changes.
 */
export async function migrationSchemaSnapshot(database: Database): Promise<string> {
  const sections: string[] = [];
  let before: string[] = [];
  for (const migration of migrations) {
    await migrate(database, { to: migration.version });
    const after = await introspect[database.dialect.name](database.db);
    const kept = new Set(before);
    const now = new Set(after);
    const removed = before.filter((line) => !now.has(line)).map((line) => `- ${line}`);
    const added = after.filter((line) => !kept.has(line)).map((line) => `+ ${line}`);
    const label = `${String(migration.version).padStart(4, '0')} ${migration.name}`;
    sections.push([`## ${label}`, ...removed, ...added].join('\n'));
    before = after;
  }
  const header = [
    `# What each migration does to a fresh ${database.dialect.name} database, as the database reports it:`,
    '# `+` an object it created (or the new form of one it altered), `-` the form it replaced.',
    "# Checked by src/storage/migrations/frozen.test.ts: a shipped migration's section never changes.",
  ];
  return `${[header.join('\n'), ...sections].join('\n\n')}\n`;
}
