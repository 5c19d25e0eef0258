import { describe, expect, it } from 'vitest';
import { dialectSwitches } from './test-support/dialect-seam.js';
import { isTestCode, parseSource, typescriptFiles } from './test-support/source-files.js';

const check = (text: string, allowNameKeys = false) =>
  dialectSwitches(parseSource('snippet.ts', text), { allowNameKeys });

describe('the dialect seam', () => {
  it('recognises each way of branching on the database', () => {
    expect(check(`const store = database.name === 'postgres' ? a : b;`)).toHaveLength(2);
    expect(check(`if (context.services.database.dialect.name !== kind) run();`)).toEqual([
      "comparison with a dialect's name: snippet.ts:1: context.services.database.dialect.name !== kind",
    ]);
    expect(check(`switch (dialect.name) { default: }`)).toHaveLength(1);
    expect(check(`const run = steps[database.dialect.name];`)).toHaveLength(1);
    expect(check(`const run = steps[dialect.name];`, true)).toEqual([]);
    expect(check('const pool = database.native.postgres;')).toHaveLength(1);
    expect(check('const kinds = [`sqlite`];')).toHaveLength(1);
  });

  it('lets code use the dialect and show its name', () => {
    expect(check('await database.dialect.memoryIndex.search(db, search);')).toEqual([]);
    expect(check('logger.info({ database: database.name, at: database.location });')).toEqual([]);
    expect(check(`const column = agent.name === row.name;`)).toEqual([]);
  });

  it('holds everywhere outside storage/dialects/ (tests may loop over dialects)', () => {
    const found = typescriptFiles()
      .filter((path) => !path.startsWith('storage/dialects/') && !isTestCode(path))
      .flatMap((path) =>
        dialectSwitches(parseSource(path), { allowNameKeys: path.startsWith('storage/migrations/') }),
      );
    expect(found).toEqual([]);
  });
});
