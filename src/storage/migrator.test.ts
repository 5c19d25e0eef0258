import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrationStatus } from './migrator.js';
import { createTestDatabase, type TestDatabase, testDialects } from './test-support/databases.js';

describe.each(testDialects)('migrations on %s', (dialect) => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.cleanup();
  });

  it('applies every migration once and is idempotent', async () => {
    test = await createTestDatabase(dialect);
    const status = await migrationStatus(test.database);
    expect(status.pending).toEqual([]);
    expect(status.current).toBe(status.latest);
    const again = await migrate(test.database);
    expect(again.applied).toEqual([]);
  });

  it('stops at the version asked for and continues from there', async () => {
    test = await createTestDatabase(dialect, { migrated: false });
    const first = await migrate(test.database, { to: 2 });
    expect(first.applied.map((migration) => migration.version)).toEqual([1, 2]);
    expect(first.version).toBe(2);
    expect((await migrationStatus(test.database)).current).toBe(2);
    const rest = await migrate(test.database);
    expect(rest.applied[0]?.version).toBe(3);
    expect(rest.version).toBe((await migrationStatus(test.database)).latest);
  });

  it('refuses a schema newer than it knows', async () => {
    test = await createTestDatabase(dialect);
    await test.database.db
      .insertInto('schema_migration')
      .values({ version: 9999, name: 'from-the-future', applied_at: Date.now() })
      .execute();
    await expect(migrate(test.database)).rejects.toThrow(/version 9999/);
  });
});
