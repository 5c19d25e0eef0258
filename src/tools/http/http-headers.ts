import { z } from 'zod';

/** Headers neither the model nor an endpoint may set: they belong to the transport or would bypass the limits. */
const reservedHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'upgrade',
  'te',
  'keep-alive',
  'proxy-connection',
  'expect',
]);

/** Most headers one request (or one endpoint) may set. */
export const maxHeaders = 20;

export const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'header names are 1-100 token characters')
  .refine(
    (name) => !reservedHeaders.has(name.toLowerCase()),
    'this header is set by Colony and cannot be overridden',
  );

export const headerValue = z
  .string()
  .max(2_000)
  .regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

export const headersSchema = z
  .record(headerName, headerValue)
  .refine((headers) => Object.keys(headers).length <= maxHeaders, `at most ${maxHeaders} headers`);
