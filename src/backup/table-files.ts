import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database, Schema } from '../storage/index.js';

/** Bytes survive JSON as `{ "$bytes": "<base64>" }`. */
function encode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
    return { $bytes: Buffer.from((value as { data: number[] }).data).toString('base64') };
  }
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { $bytes?: unknown }).$bytes === 'string') {
    return Buffer.from((value as { $bytes: string }).$bytes, 'base64');
  }
  return value;
}

/** The file of one table in a logical backup. */
export const tableFile = (table: string) => `${table}.jsonl.gz`;

/**
 * Writes every data table of one consistent snapshot as gzipped JSONL (a header line with the
 * columns, then one array of values per row). Returns the row count of each table.
 */
export async function exportTables(
  database: Database,
  folder: string,
  onTable?: (table: string, rows: number) => void,
): Promise<{ tables: Record<string, number>; schemaVersion: number }> {
  const copy = database.dialect.tableCopy;
  return copy.readSnapshot(database, async (executor) => {
    const tables: Record<string, number> = {};
    for (const table of await copy.dataTables(executor)) {
      const columns = await copy.writableColumns(executor, table);
      const gzip = createGzip({ level: 6 });
      const done = gzip.pipe(createWriteStream(`${folder}/${tableFile(table)}`, { mode: 0o600 }));
      const write = async (line: string) => {
        if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
      };
      await write(JSON.stringify({ table, columns }));
      let count = 0;
      for await (const batch of copy.rows(executor, table, columns, 2000)) {
        for (const row of batch)
          await write(
            JSON.stringify(
              columns.map((column) => row[column] ?? null),
              encode,
            ),
          );
        count += batch.length;
      }
      gzip.end();
      await once(done, 'finish');
      tables[table] = count;
      onTable?.(table, count);
    }
    return { tables, schemaVersion: await schemaVersionOf(executor) };
  });
}

/** The migration version recorded in the database (0 when it was never migrated). */
export async function schemaVersionOf(executor: Kysely<Schema>): Promise<number> {
  const row = await executor
    .selectFrom('schema_migration')
    .select((builder) => builder.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** Reads one table file back: its columns, then rows in batches. */
export async function* readTableFile(
  path: string,
  batchSize = 1000,
): AsyncGenerator<{ table: string; columns: string[]; rows: unknown[][] }> {
  const lines = createInterface({
    input: createReadStream(path).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let header: { table: string; columns: string[] } | undefined;
  let rows: unknown[][] = [];
  for await (const line of lines) {
    if (line === '') continue;
    if (!header) {
      header = JSON.parse(line) as { table: string; columns: string[] };
      continue;
    }
    rows.push(JSON.parse(line, decode) as unknown[]);
    if (rows.length >= batchSize) {
      yield { ...header, rows };
      rows = [];
    }
  }
  if (header) yield { ...header, rows };
}
