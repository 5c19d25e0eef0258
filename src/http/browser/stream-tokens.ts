import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../context/index.js';
import { roles } from '../../context/index.js';

/** Short-lived, signed stand-ins for a key on the streaming GET routes a browser opens. */
export interface StreamTokens {
  /** A token acting as `actor` until `expiresAt` (ms). */
  mint(actor: Actor, now: number): { token: string; expiresAt: number };
  /** The actor of a valid, unexpired token; undefined otherwise. */
  verify(token: string, now: number): Actor | undefined;
}

interface Claims {
  kind: Actor['kind'];
  id: string;
  orgId: string;
  role: Actor['role'];
  userId: string | null;
  expiresAt: number;
}

const prefix = 'cst_';

/**
 * Stream tokens signed with HMAC-SHA256. Nothing is stored: a token is valid until it expires,
 * also after its key is revoked (which is why it lives minutes). Without a configured secret a
 * random one is made per process, so only this process accepts its tokens.
 */
export function createStreamTokens(options: {
  ttlSeconds: number;
  secret?: string | undefined;
}): StreamTokens {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest();
  return {
    mint(actor, now) {
      const claims: Claims = {
        kind: actor.kind,
        id: actor.id,
        orgId: actor.orgId,
        role: actor.role,
        userId: actor.userId ?? null,
        expiresAt: now + options.ttlSeconds * 1000,
      };
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { token: `${prefix}${body}.${sign(body).toString('base64url')}`, expiresAt: claims.expiresAt };
    },
    verify(token, now) {
      if (!token.startsWith(prefix)) return undefined;
      const [body, signature] = token.slice(prefix.length).split('.');
      if (!body || !signature) return undefined;
      const expected = sign(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
      if (!(claims.expiresAt > now) || !roles.includes(claims.role)) return undefined;
      return {
        kind: claims.kind,
        id: claims.id,
        orgId: claims.orgId,
        role: claims.role,
        userId: claims.userId,
      };
    },
  };
}

/** The streaming routes that take `?access_token=`: an `EventSource` cannot send headers. */
export const streamTokenRoutes: readonly RegExp[] = [
  /^\/v1\/events$/,
  /^\/v1\/runs\/[^/]+\/events$/,
  /^\/v1\/ui-chat\/[^/]+\/stream$/,
];
