import { describe, expect, it } from 'vitest';
import { matchesHostPattern } from './host-pattern.js';

describe('matchesHostPattern', () => {
  it('matches exact hosts and wildcard subdomains', () => {
    expect(matchesHostPattern('Example.com.', 'example.com')).toBe(true);
    expect(matchesHostPattern('a.b.example.com', '*.example.com')).toBe(true);
    expect(matchesHostPattern('example.com', '*.example.com')).toBe(false);
    expect(matchesHostPattern('badexample.com', '*.example.com')).toBe(false);
    expect(matchesHostPattern('[::1]', '::1')).toBe(true);
  });
});
