import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The `src/` folder. */
export const sourceRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Paths (relative to `src/`, with `/`) of every `.ts` file under `folder` (relative to `src/`). */
export function typescriptFiles(folder = '.'): string[] {
  const entries = readdirSync(join(sourceRoot, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(sourceRoot, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** Whether `path` is test code: a `*.test.ts` file or anything under a `test-support/` folder. */
export function isTestCode(path: string): boolean {
  return path.endsWith('.test.ts') || path.split('/').includes('test-support');
}

export function parseSource(
  path: string,
  text = readFileSync(join(sourceRoot, path), 'utf8'),
): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
}

/** `file:line: text` of `node`, for findings that point at the source. */
export function locate(node: ts.Node): string {
  const source = node.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(node.getStart());
  return `${source.fileName}:${line + 1}: ${node.getText().split('\n')[0]}`;
}
