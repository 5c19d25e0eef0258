import { z } from 'zod';

/** Letters, digits and `_`, starting with a letter: tools write `{{secrets.NAME}}`. */
export const secretName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'letters, digits and "_", starting with a letter, at most 64');

/**
 * A value: at least 8 characters (a shorter one could not be told apart from ordinary text when
 * it is redacted from tool outputs), at most 8,000.
 */
export const secretValue = z
  .string()
  .min(8, 'at least 8 characters: shorter values cannot be redacted reliably')
  .max(8_000)
  .regex(/^[^\0]*$/, 'no NUL characters');

export const createSecretInput = z.strictObject({
  name: secretName,
  value: secretValue,
  description: z.string().max(2_000).default(''),
});

export const rotateSecretInput = z.strictObject({ value: secretValue });

export const grantSubject = z.enum(['agent', 'chat']);

export const grantSecretInput = z
  .strictObject({
    agent: z.string().min(1).max(200).optional().describe('An agent id or name: every run of it'),
    chat: z.string().min(1).max(200).optional().describe('A chat id: every run in it'),
  })
  .refine((input) => (input.agent === undefined) !== (input.chat === undefined), {
    message: 'give either `agent` or `chat`',
    path: ['agent'],
  });

export type CreateSecretInput = z.input<typeof createSecretInput>;
export type RotateSecretInput = z.input<typeof rotateSecretInput>;
export type GrantSecretInput = z.input<typeof grantSecretInput>;
export type GrantSubject = z.output<typeof grantSubject>;

/** A secret as the API shows it: never its value. */
export interface Secret {
  id: string;
  name: string;
  description: string;
  /** The version tools use. */
  version: number;
  versions: Array<{ version: number; createdAt: number }>;
  grants: SecretGrant[];
  createdAt: number;
  updatedAt: number;
}

export interface SecretGrant {
  id: string;
  subject: GrantSubject;
  subjectId: string;
  createdAt: number;
}
