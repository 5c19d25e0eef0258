import { z } from 'zod';
import { endpointName, httpMethods, isMutatingMethod } from './http-endpoint.js';
import { headersSchema } from './http-headers.js';

const queryValue = z.union([z.string().max(2_000), z.number(), z.boolean()]);

/** The input of `http_request`: a call to one of the agent's named endpoints, or a GET of a public URL. */
export const httpRequestInput = z
  .object({
    endpoint: endpointName
      .optional()
      .describe("One of this agent's named endpoints; the call goes to its base URL plus `path`"),
    path: z.string().max(2_000).optional().describe('Path under the endpoint base URL, e.g. "/items/42"'),
    url: z
      .string()
      .max(4_000)
      .optional()
      .describe('Absolute http(s) URL, for GET or HEAD without an endpoint'),
    method: z.enum(httpMethods).optional().describe('HTTP method; GET when omitted'),
    query: z
      .record(z.string().min(1).max(200), queryValue)
      .refine((query) => Object.keys(query).length <= 50, 'at most 50 query parameters')
      .optional()
      .describe('Query parameters, added to the URL'),
    headers: headersSchema.optional(),
    body: z
      .json()
      .optional()
      .describe('Request body: a string is sent as is, any other JSON value as application/json'),
  })
  .superRefine((input, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    const method = input.method ?? 'GET';
    if ((input.endpoint === undefined) === (input.url === undefined)) {
      issue('endpoint', 'give either `endpoint` (with `path`) or `url`');
    }
    if (input.endpoint === undefined && input.path !== undefined) issue('path', '`path` needs an `endpoint`');
    if (input.url !== undefined && isMutatingMethod(method)) {
      issue(
        'method',
        'without an endpoint only GET and HEAD are allowed; send other methods to a named endpoint',
      );
    }
    if (input.body !== undefined && !isMutatingMethod(method))
      issue('body', `${method} requests have no body`);
  });

export type HttpRequestInput = z.infer<typeof httpRequestInput>;
