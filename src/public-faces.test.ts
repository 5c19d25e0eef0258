import { dirname, join, normalize } from 'node:path/posix';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isTestCode, parseSource, typescriptFiles } from './storage/test-support/source-files.js';

/**
 * STYLE habit 1 and issue 11 item 13: a folder's `index.ts` is its public face and exports only
 * what other folders use. Paths here are relative to the repository root (`src/…`, `bench/…`).
 */

/** Every `.ts` file of the repository that is not test code: `src/`, `bench/`, `scripts/`. */
function productionFiles(): string[] {
  return ['.', '../bench', '../scripts']
    .flatMap((folder) => typescriptFiles(folder))
    .map((path) => normalize(join('src', path)))
    .filter((path) => !isTestCode(path));
}

function parse(path: string): ts.SourceFile {
  return parseSource(join('..', path));
}

/** `src/memory` for `src/memory/search.ts`, `bench` for anything under `bench/`. */
function folderOf(path: string): string {
  const [top, folder] = path.split('/');
  return top === 'src' ? `src/${folder}` : (top ?? path);
}

function namesOf(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): string[] {
  return elements.map((element) => (element.propertyName ?? element.name).getText());
}

function bindingNames(pattern: ts.BindingName | undefined): string[] | 'all' {
  if (!pattern || !ts.isObjectBindingPattern(pattern)) return 'all';
  return pattern.elements.map((element) => (element.propertyName ?? element.name).getText());
}

/** The names a dynamic `import()` takes: `const { a } = await import(…)`, also inside `Promise.all`. */
function dynamicImportNames(call: ts.CallExpression): string[] | 'all' {
  const parent = call.parent;
  if (ts.isAwaitExpression(parent) && ts.isVariableDeclaration(parent.parent)) {
    return bindingNames(parent.parent.name);
  }
  if (ts.isArrayLiteralExpression(parent)) {
    let declaration: ts.Node = parent;
    while (!ts.isVariableDeclaration(declaration) && declaration.parent) declaration = declaration.parent;
    if (ts.isVariableDeclaration(declaration) && ts.isArrayBindingPattern(declaration.name)) {
      const element = declaration.name.elements[parent.elements.indexOf(call)];
      if (element && ts.isBindingElement(element)) return bindingNames(element.name);
    }
  }
  return 'all';
}

/** Each module a file imports or re-exports (resolved, as `src/x/index.ts`), with the names taken. */
function importsOf(path: string): Array<{ target: string; names: string[] | 'all' }> {
  const found: Array<{ target: string; names: string[] | 'all' }> = [];
  const add = (specifier: string, names: string[] | 'all') => {
    if (!specifier.startsWith('.')) return;
    found.push({ target: normalize(join(dirname(path), specifier)).replace(/\.js$/, '.ts'), names });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const bindings = node.importClause?.namedBindings;
      add(
        node.moduleSpecifier.text,
        bindings && ts.isNamedImports(bindings) ? namesOf(bindings.elements) : 'all',
      );
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      add(node.moduleSpecifier.text, clause && ts.isNamedExports(clause) ? namesOf(clause.elements) : 'all');
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, dynamicImportNames(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(path));
  return found;
}

function isExported(statement: ts.Statement): boolean {
  return (
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** The names an `index.ts` exports; `export *` is reported as a finding instead. */
function exportsOf(path: string): string[] {
  const names: string[] = [];
  for (const statement of parse(path).statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause))
        names.push(...clause.elements.map((element) => element.name.text));
      else names.push('*');
    } else if (isExported(statement)) {
      if (ts.isVariableStatement(statement)) {
        names.push(
          ...statement.declarationList.declarations.map((declaration) => declaration.name.getText()),
        );
      } else if (
        ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)
      ) {
        if (statement.name) names.push(statement.name.text);
      }
    }
  }
  return names;
}

/** Faces used from outside the repository: the documented TypeScript client (docs/cli.md). */
const publicOutsideTheRepository = new Set(['src/client/index.ts']);

/** How many folders below `src/` biome.json's per-depth layering overrides reach (decision 0020). */
const deepestLintedFolder = 3;

describe('public faces', () => {
  it('every source file sits where the layering lint reaches', () => {
    const tooDeep = productionFiles().filter(
      (file) => file.startsWith('src/') && file.split('/').length - 2 > deepestLintedFolder,
    );
    expect(tooDeep, 'add an override for this depth to biome.json').toEqual([]);
  });

  it('every index.ts exports only names another folder uses', () => {
    const files = productionFiles();
    const used = new Map<string, Set<string> | 'all'>();
    for (const file of files) {
      for (const { target, names } of importsOf(file)) {
        if (!target.endsWith('/index.ts') || folderOf(target) === folderOf(file)) continue;
        const seen = used.get(target);
        if (names === 'all' || seen === 'all') used.set(target, 'all');
        else used.set(target, new Set([...(seen ?? []), ...names]));
      }
    }
    const unused = files
      .filter((file) => /^src\/[^/]+\/index\.ts$/.test(file) && !publicOutsideTheRepository.has(file))
      .flatMap((index) => {
        const users = used.get(index);
        if (users === 'all') return [];
        return exportsOf(index)
          .filter((name) => !users?.has(name))
          .map((name) => `${index}: ${name === '*' ? 'export * (name what is public)' : name}`);
      });
    expect(unused).toEqual([]);
  });
});
