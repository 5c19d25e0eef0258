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

  it('refuses a schema newer than it knows', async () => {
    test = await createTestDatabase(dialect);
    await test.database.db
      .insertInto('schema_migration')
      .values({ version: 9999, name: 'from-the-future', applied_at: Date.now() })
      .execute();
    await expect(migrate(test.database)).rejects.toThrow(/version 9999/);
  });
});
