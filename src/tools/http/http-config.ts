/**
 * Egress policy and limits of the `http_request` tool: the `tools.http` slice of the
 * configuration (config/, README "Configuration"), handed over by createColony.
 */
export type HttpToolConfig = {
  /** Host patterns that may be called (`example.com`, `*.example.com`); empty means any public host. */
  allow: readonly string[];
  /** Host patterns that may never be called; beats `allow`. */
  deny: readonly string[];
  /** Allow private, loopback and link-local addresses (off by default: they reach internal services). */
  allowPrivate: boolean;
  /** Bytes of response body kept; the rest is cut and `truncated` is set. */
  maxResponseBytes: number;
  /** Deadline for the whole request, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
  /**
   * Approval of calls when the agent sets no policy: `mutating` (POST, PUT, PATCH, DELETE wait
   * for a human), `always` or `never`.
   */
  approval: 'never' | 'always' | 'mutating';
};
