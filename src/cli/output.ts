/** Where a command writes: stdout for results, stderr for errors and progress. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Prints results: JSON with `--json`, human text otherwise. */
export interface Output {
  readonly json: boolean;
  readonly io: CliIo;
  /** With `--json` prints `value`; otherwise the text `human()` returns. */
  result(value: unknown, human: () => string): void;
  /** A line of human output on stdout (nothing with `--json`). */
  line(text?: string): void;
  /** A line on stderr, in both modes (progress, hints). */
  note(text: string): void;
}

export function createOutput(io: CliIo, json: boolean): Output {
  return {
    json,
    io,
    result(value, human) {
      io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    line(text = '') {
      if (!json) io.stdout.write(`${text}\n`);
    },
    note(text) {
      io.stderr.write(`${text}\n`);
    },
  };
}

/** A plain-text table: a header row and padded columns. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header.map((title) => title.toUpperCase())), ...rows.map(render)].join('\n');
}

/** `2025-01-31 14:05` in UTC, or `-` when absent. */
export function formatTime(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) return '-';
  return `${new Date(milliseconds).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** Compact JSON for one-line display, cut at `max` characters. */
export function brief(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
