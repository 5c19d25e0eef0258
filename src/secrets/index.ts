export { grantSecret, listSecretGrants, revokeSecretGrant } from './secret-grants.js';
export { openSecretsKey } from './secret-key.js';
export { createSecretResolver } from './secret-resolver.js';
export {
  type CreateSecretInput,
  createSecretInput,
  grantSecretInput,
  rotateSecretInput,
  type Secret,
  type SecretGrant,
} from './secret-schema.js';
export { checkSecretsKey, createSecretVault, type SecretVault } from './secret-vault.js';
export { createSecret, deleteSecret, getSecret, listSecrets, rotateSecret } from './secrets.js';
