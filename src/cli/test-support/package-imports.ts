import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runtime (not type-only) module specifiers in TypeScript source, static and dynamic. */
const patterns = [
  /(?:^|\n)\s*(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'/g,
  /(?:^|\n)\s*import\s+'([^']+)'/g,
  /(?<!typeof )\bimport\(\s*'([^']+)'\s*\)/g,
  // createRequire(import.meta.url)('pg') and createRequire(…).resolve('better-sqlite3')
  /\)\(\s*'([^']+)'\s*\)/g,
  /\)\.resolve\(\s*'([^']+)'\s*\)/g,
  // pino transports name their package as a string
  /\btarget:\s*'([^']+)'/g,
];

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative and `node:` specifiers. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const match = /^(@[a-z0-9._-]+\/[a-z0-9._-]+|[a-z0-9._-]+)(\/.*)?$/i.exec(specifier);
  return match?.[1];
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The packages the shipped code (src/ without tests and test support) loads at runtime, by file. */
export function runtimePackages(sourceRoot: string): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const file of sourceFiles(sourceRoot)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const name = packageOf(match[1] ?? '');
        if (name === undefined) continue;
        users.set(name, [...(users.get(name) ?? []), file]);
      }
    }
  }
  return users;
}
