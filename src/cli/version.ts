import { readFileSync } from 'node:fs';

/** The package version, read from package.json (two levels up from src/cli and dist/cli). */
export function colonyVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'version' in parsed &&
      typeof parsed.version === 'string'
    ) {
      return parsed.version;
    }
  } catch {
    // fall through
  }
  return '0.0.0';
}
