import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context as HonoContext } from 'hono';
import { ColonyError } from '../errors/index.js';

/**
 * The request body media types each route declares (`request.body.content` of its definition),
 * keyed `METHOD /path/:param` as Hono names the route. zod-openapi's gate refuses any other type
 * per route with a 415; a route opts in to another type (a form, a webhook's payload) by
 * declaring it, so the rule needs no list of its own.
 */
export function declaredMediaTypes(
  registry: OpenAPIHono['openAPIRegistry'],
): (http: HonoContext) => string[] {
  let byRoute: Map<string, string[]> | undefined;
  const build = () => {
    const map = new Map<string, string[]>();
    for (const definition of registry.definitions) {
      if (definition.type !== 'route') continue;
      const { method, path, request } = definition.route;
      const content = request?.body?.content;
      if (!content) continue;
      map.set(`${method.toUpperCase()} ${path.replaceAll(/\{(.+?)\}/g, ':$1')}`, Object.keys(content));
    }
    return map;
  };
  return (http) => {
    byRoute ??= build();
    return byRoute.get(`${http.req.method} ${http.req.routePath}`) ?? [];
  };
}

/** The 415 for a body the route does not take; names what was sent and what the route takes. */
export function unsupportedMediaType(http: HonoContext, accepted: readonly string[]): ColonyError {
  const given = http.req.header('Content-Type');
  const sent = given ? `Content-Type ${given}` : 'a body without Content-Type';
  const wanted = accepted.length > 0 ? accepted.join(' or ') : 'no body';
  return new ColonyError(
    'unsupported_media_type',
    `${http.req.method} ${http.req.path} takes ${wanted}, not ${sent}`,
    { contentType: given ?? null, accepted: [...accepted] },
  );
}
