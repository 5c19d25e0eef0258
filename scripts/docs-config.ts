// `npm run docs:config`: rewrites the configuration tables in README.md from the config schema
// (src/config/), so the README lists every setting with its environment name, flag and default.
// src/config/config-docs.test.ts fails when the README is behind.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateConfigSection } from '../src/config/index.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readmePath, 'utf8');
const after = updateConfigSection(before);
if (after === before) {
  process.stdout.write('README.md: configuration tables already up to date\n');
} else {
  writeFileSync(readmePath, after);
  process.stdout.write('README.md: configuration tables rewritten\n');
}
