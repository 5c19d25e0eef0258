import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const resultsFile = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** Date, machine and runtime: the header of every results section. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpu} · Node ${process.version} · ${process.platform}`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function markdownTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replaces the `## <section>` of bench/RESULTS.md (up to the next `## `) with `body`, keeping the
 * other sections that other benches own.
 */
export function writeSection(section: string, body: string): void {
  const current = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
  const heading = `## ${section}`;
  const start = current.indexOf(`${heading}\n`);
  const block = `${heading}\n\n${body.trim()}\n\n`;
  if (start === -1) {
    writeFileSync(resultsFile, `${current.trimEnd()}\n\n${block}`);
    return;
  }
  const next = current.indexOf('\n## ', start + heading.length);
  const end = next === -1 ? current.length : next + 1;
  writeFileSync(
    resultsFile,
    `${current.slice(0, start)}${block}${current.slice(end)}`.replace(/\n{3,}/g, '\n\n'),
  );
}
