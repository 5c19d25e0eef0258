import { z } from 'zod';
import { headersSchema } from './http-headers.js';

/** The methods `http_request` can send. */
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** Methods that change something on the other side: the `mutating` approval policy waits for these. */
export function isMutatingMethod(method: HttpMethod): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

export const endpointName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'endpoint names are lower-case letters, digits, "_" and "-", 1-64 long');

const baseUrl = z
  .string()
  .max(2_000)
  .refine((text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  }, 'an absolute http(s) URL without credentials, query or fragment');

/** One named HTTP endpoint of an agent: where `http_request` may send which methods, with which headers. */
export const httpEndpointSchema = z
  .object({
    baseUrl: baseUrl.describe('Calls go to paths under this URL'),
    methods: z.array(z.enum(httpMethods)).min(1).max(httpMethods.length).default(['GET']),
    headers: headersSchema
      .default({})
      .describe(
        'Sent with every call to this endpoint; values may reference secrets: `Bearer {{secrets.NAME}}`',
      ),
    query: z
      .record(z.string().min(1).max(200), z.string().max(2_000))
      .refine((query) => Object.keys(query).length <= 20, 'at most 20 query parameters')
      .default({})
      .describe("Query parameters added to every call (before the model's); values may reference secrets"),
    maxRequestBytes: z.number().int().min(0).max(10_000_000).default(100_000),
    /** At most the server's `tools.http.maxResponseBytes`. */
    maxResponseBytes: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict();

export const httpEndpointsSchema = z
  .record(endpointName, httpEndpointSchema)
  .refine((endpoints) => Object.keys(endpoints).length <= 20, 'at most 20 endpoints');

export type HttpEndpoint = z.infer<typeof httpEndpointSchema>;
export type HttpEndpoints = Readonly<Record<string, HttpEndpoint>>;
