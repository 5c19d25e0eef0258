export { configDefaults } from './config-defaults.js';
export { updateConfigSection } from './config-table.js';
export { backupDirOf, databaseUrlOf, loadConfig } from './load-config.js';
export type { Config, ConfigOverrides } from './schema.js';
export { decodeSecretsKey } from './secrets-key-setting.js';
