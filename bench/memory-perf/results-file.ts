import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const resultsPath = join(import.meta.dirname, '..', 'RESULTS.md');

/** The machine line every memory bench prints: date, nproc, CPU model, node version. */
export function machineLine(): string {
  return `${new Date().toISOString().slice(0, 10)} · nproc ${cpus().length} · ${cpus()[0]?.model ?? 'unknown CPU'} · node ${process.version}`;
}

/**
 * Replaces the `### <title>` block inside the `## memory` section of bench/RESULTS.md (creating
 * the file or section when absent); other sections are left as they are.
 */
export function writeMemoryResult(title: string, body: string): void {
  const text = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n';
  const block = `### ${title}\n\n${body.trim()}\n`;
  const sectionStart = text.search(/^## memory\s*$/m);
  if (sectionStart < 0) {
    writeFileSync(resultsPath, `${text.trimEnd()}\n\n## memory\n\n${block}`);
    return;
  }
  const afterHeading = text.indexOf('\n', sectionStart) + 1;
  const nextSection = text.slice(afterHeading).search(/^## /m);
  const sectionEnd = nextSection < 0 ? text.length : afterHeading + nextSection;
  const section = text.slice(afterHeading, sectionEnd);
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const existing = new RegExp(`^### ${escaped}\\n[\\s\\S]*?(?=^### |(?![\\s\\S]))`, 'm');
  const updated = existing.test(section)
    ? section.replace(existing, `${block}\n`)
    : `${section.trimEnd()}\n\n${block}\n`;
  writeFileSync(
    resultsPath,
    `${`${text.slice(0, afterHeading)}\n${updated.trim()}\n\n${text.slice(sectionEnd)}`.trimEnd()}\n`,
  );
}
