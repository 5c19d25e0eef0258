/** An org secret's name and metadata (migration 0011); written only by `src/secrets`. */
export interface SecretTable {
  id: string;
  org_id: string;
  /** Unique per org; tools reference it as `{{secrets.NAME}}`. */
  name: string;
  description: string;
  /** The version tools use; every rotation adds one. */
  current_version: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One value of a secret, sealed with AES-256-GCM (decision 0027); never stored in clear. */
export interface SecretVersionTable {
  id: string;
  org_id: string;
  secret_id: string;
  version: number;
  /** Which key sealed it: the first bytes of the key's SHA-256, so a wrong key is noticed at start. */
  key_id: string;
  /** Base64 of the random 12-byte IV. */
  iv: string;
  ciphertext: string;
  /** Base64 of the 16-byte GCM authentication tag. */
  auth_tag: string;
  created_by: string | null;
  created_at: number;
}

/** Who may use a secret: an agent (every run of it) or a chat (every run in it). */
export interface SecretGrantTable {
  id: string;
  org_id: string;
  secret_id: string;
  /** `agent` or `chat`. */
  subject_kind: string;
  subject_id: string;
  created_by: string | null;
  created_at: number;
}

declare module './schema.js' {
  interface Schema {
    secret: SecretTable;
    secret_version: SecretVersionTable;
    secret_grant: SecretGrantTable;
  }
}
