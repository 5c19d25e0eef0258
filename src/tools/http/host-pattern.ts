/** Lower-cases a host and drops IPv6 brackets and a trailing dot, so `Example.COM.` is `example.com`. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/**
 * True when `host` matches `pattern`: either exactly, or, for `*.example.com`, any subdomain of
 * `example.com` at any depth (but not `example.com` itself).
 */
export function matchesHostPattern(host: string, pattern: string): boolean {
  const normalizedHost = normalizeHost(host);
  const normalizedPattern = normalizeHost(pattern);
  if (normalizedPattern.startsWith('*.')) return normalizedHost.endsWith(normalizedPattern.slice(1));
  return normalizedHost === normalizedPattern;
}

/** True when `host` matches any of `patterns`. */
export function matchesAnyHostPattern(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesHostPattern(host, pattern));
}
