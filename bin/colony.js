#!/usr/bin/env node
// The `colony` command. Runs the compiled CLI in dist/ (what the npm package ships). In a source
// checkout that was never built it runs the TypeScript source through tsx, a dev dependency.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');

if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('colony: dist/ is not built and tsx is not installed; run `npm run build`\n');
    process.exit(1);
  }
  register();
  await import(pathToFileURL(source).href);
} else {
  process.stderr.write(`colony: ${compiled} is missing; this installation is incomplete, reinstall colony\n`);
  process.exit(1);
}
