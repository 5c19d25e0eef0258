import type { CreateSecretInput, Secret, SecretGrant } from '../secrets/index.js';

export type { CreateSecretInput, Secret, SecretGrant };

/** `GET /v1/secrets`: names, versions and grants, never values. */
export interface SecretPage {
  secrets: Secret[];
  nextCursor: string | null;
}

/** `POST /v1/secrets/{id}/grants`: an agent (id or name) or a chat id. */
export type GrantSecretInput = { agent: string } | { chat: string };
