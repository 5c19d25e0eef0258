import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DialectName } from '../dialects/dialect.js';

/**
 * Another session takes `table` away until the returned function is called: on Postgres an
 * access-exclusive lock on it (statements touching it wait), on SQLite the write lock of the file
 * (every write waits for the busy timeout, then fails). A stand-in for a slow or stuck database.
 */
export async function holdTable(
  dialect: DialectName,
  url: string,
  table: string,
): Promise<() => Promise<void>> {
  if (dialect === 'sqlite') {
    const other = new BetterSqlite3(url);
    other.exec('begin immediate');
    return async () => {
      other.exec('rollback');
      other.close();
    };
  }
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  await other.query('begin');
  await other.query(`lock table ${table} in access exclusive mode`);
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}
