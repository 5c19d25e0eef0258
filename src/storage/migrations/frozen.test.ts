import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../test-support/databases.js';
import { migrationSchemaSnapshot } from '../test-support/schema-snapshot.js';

describe.each(testDialects)('what each migration does on %s', (dialect) => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.cleanup();
  });

  it('matches the committed schema, section by section', async () => {
    test = await createTestDatabase(dialect, { migrated: false });
    const snapshot = await migrationSchemaSnapshot(test.database);
    await expect(snapshot).toMatchFileSnapshot(`./schema/${dialect}.txt`);
  });
});
