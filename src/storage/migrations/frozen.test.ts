import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../test-support/databases.js';
import { migrationSchemaSnapshot } from '../test-support/schema-snapshot.js';
import { isTestCode, locate, parseSource, typescriptFiles } from '../test-support/source-files.js';

/** Modules a migration may take types from: facts that do not run. */
const typeSources = new Set(['kysely', '../migrator.js', '../dialects/dialect.js']);

function isTypeOnly(declaration: ts.ImportDeclaration): boolean {
  const clause = declaration.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/** Imports of `source` that could run code other than Kysely's (see migrations/index.ts). */
function liveImports(source: ts.SourceFile, allowSiblings: boolean): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const from = node.moduleSpecifier.text;
      const allowed =
        from === 'kysely' ||
        (typeSources.has(from) && isTypeOnly(node)) ||
        (allowSiblings && /^\.\/\d{4}-[a-z-]+\.js$/.test(from));
      if (!allowed) found.push(locate(node));
    } else if (
      (ts.isExportDeclaration(node) && node.moduleSpecifier) ||
      ts.isImportEqualsDeclaration(node) ||
      (ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword || node.expression.getText() === 'require'))
    ) {
      found.push(locate(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const check = (text: string, allowSiblings = false) =>
  liveImports(parseSource('migration.ts', text), allowSiblings);

describe('shipped migrations call no live code', () => {
  it('recognises imports of code that can change', () => {
    expect(check(`import { memoryLexicalIndex } from '../dialects/lexical-memory.js';`)).toHaveLength(1);
    expect(check(`import { type Dialect, helper } from '../dialects/dialect.js';`)).toHaveLength(1);
    expect(check(`import { migrate } from '../migrator.js';`)).toHaveLength(1);
    expect(check(`import { foundation } from './0001-foundation.js';`)).toHaveLength(1);
    expect(check(`const index = await import('../dialects/sqlite-memory.js');`)).toHaveLength(1);
    expect(check(`export { toJson } from '../json.js';`)).toHaveLength(1);
  });

  it('allows Kysely, the migrator types and the dialect facts', () => {
    expect(check(`import { sql } from 'kysely';`)).toEqual([]);
    expect(check(`import type { Migration } from '../migrator.js';`)).toEqual([]);
    expect(check(`import { type DialectName } from '../dialects/dialect.js';`)).toEqual([]);
    expect(check(`import { foundation } from './0001-foundation.js';`, true)).toEqual([]);
  });

  it('holds for every file in storage/migrations/', () => {
    const files = typescriptFiles('storage/migrations').filter((path) => !isTestCode(path));
    expect(files.length).toBeGreaterThan(1);
    const found = files.flatMap((path) =>
      liveImports(parseSource(path), path === 'storage/migrations/index.ts'),
    );
    expect(found).toEqual([]);
  });
});

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
