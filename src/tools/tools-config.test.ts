import { describe, expect, it } from 'vitest';
import { matchesHostPattern } from './http/host-pattern.js';
import { defaultHttpToolConfig } from './http/http-config.js';
import { toolsConfigFromEnv } from './tools-config.js';

describe('toolsConfigFromEnv', () => {
  it('uses the defaults when nothing is set', () => {
    expect(toolsConfigFromEnv({})).toEqual({ http: defaultHttpToolConfig });
  });

  it('reads every variable', () => {
    const { http } = toolsConfigFromEnv({
      COLONY_HTTP_ALLOW: 'api.example.com, *.example.org',
      COLONY_HTTP_DENY: 'evil.example.org',
      COLONY_HTTP_ALLOW_PRIVATE: 'true',
      COLONY_HTTP_MAX_BYTES: '2048',
      COLONY_HTTP_TIMEOUT_MS: '500',
      COLONY_HTTP_MAX_REDIRECTS: '0',
      COLONY_HTTP_APPROVAL: 'always',
    });
    expect(http).toEqual({
      allow: ['api.example.com', '*.example.org'],
      deny: ['evil.example.org'],
      allowPrivate: true,
      maxResponseBytes: 2048,
      timeoutMs: 500,
      maxRedirects: 0,
      approval: 'always',
    });
  });

  it.each([
    ['COLONY_HTTP_ALLOW_PRIVATE', 'yes'],
    ['COLONY_HTTP_MAX_BYTES', '-1'],
    ['COLONY_HTTP_TIMEOUT_MS', 'soon'],
    ['COLONY_HTTP_APPROVAL', 'sometimes'],
    ['COLONY_HTTP_ALLOW', 'http://example.com/'],
  ])('names %s when it is invalid', (name, value) => {
    expect(() => toolsConfigFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('matchesHostPattern', () => {
  it('matches exact hosts and wildcard subdomains', () => {
    expect(matchesHostPattern('Example.com.', 'example.com')).toBe(true);
    expect(matchesHostPattern('a.b.example.com', '*.example.com')).toBe(true);
    expect(matchesHostPattern('example.com', '*.example.com')).toBe(false);
    expect(matchesHostPattern('badexample.com', '*.example.com')).toBe(false);
    expect(matchesHostPattern('[::1]', '::1')).toBe(true);
  });
});
