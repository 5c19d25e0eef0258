import type { z } from 'zod';
import { ColonyError } from './colony-error.js';

/** Turns a zod failure into an `invalid_input` error that names every offending field. */
export function fromZodError(error: z.ZodError, prefix = ''): ColonyError {
  const fields = error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
  const summary = fields.map((field) => `${field.path}: ${field.message}`).join('; ');
  return new ColonyError('invalid_input', summary, { fields });
}
