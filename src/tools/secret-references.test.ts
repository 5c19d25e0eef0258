import { describe, expect, it } from 'vitest';
import {
  fillSecretsIn,
  redactError,
  redactSecrets,
  redactText,
  secretReferencesIn,
} from './secret-references.js';
import type { ResolvedSecrets } from './secret-resolver.js';

const value = 'p@ss "word"/with&odd=chars';
const secrets: ResolvedSecrets = { values: new Map([['TOKEN', value]]), revision: 'TOKEN@1' };

describe('secret references', () => {
  it('finds and fills {{secrets.NAME}}, spaces allowed, each name once', () => {
    const headers = {
      Authorization: 'Bearer {{secrets.TOKEN}}',
      'X-Both': '{{ secrets.TOKEN }}:{{secrets.TOKEN}}',
    };
    expect(secretReferencesIn(headers, { plain: 'no reference' })).toEqual(['TOKEN']);
    expect(fillSecretsIn(headers, secrets)).toEqual({
      Authorization: `Bearer ${value}`,
      'X-Both': `${value}:${value}`,
    });
    expect(() => fillSecretsIn({ a: '{{secrets.OTHER}}' }, secrets)).toThrow(/not resolved/);
  });

  it('redacts a value as sent, inside JSON text and URL-encoded, in strings, keys and errors', () => {
    const echoed = {
      body: JSON.stringify({ seen: value }),
      url: `https://api.example/x?key=${encodeURIComponent(value)}`,
      nested: [{ [value]: `raw ${value}` }],
      count: 3,
    };
    const redacted = redactSecrets(echoed, secrets);
    expect(JSON.stringify(redacted)).not.toContain(value);
    expect(JSON.stringify(redacted)).not.toContain(encodeURIComponent(value));
    expect(redacted).toEqual({
      body: '{"seen":"[secret:TOKEN]"}',
      url: 'https://api.example/x?key=[secret:TOKEN]',
      nested: [{ '[secret:TOKEN]': 'raw [secret:TOKEN]' }],
      count: 3,
    });
    expect(redactText('nothing here', secrets)).toBe('nothing here');
    const error = redactError(new Error(`server said: ${value}`), secrets);
    expect(error.message).toBe('server said: [secret:TOKEN]');
  });
});
