export { configDefaults } from './config-defaults.js';
export { configTableMarkers, renderConfigTable, updateConfigSection } from './config-table.js';
export { backupDirOf, databaseUrlOf, type LoadConfigOptions, loadConfig } from './load-config.js';
export {
  type Config,
  type ConfigInput,
  type ConfigOverrides,
  configSchema,
  type DeepReadonly,
} from './schema.js';
export { otherEnvironmentNames, type SettingEntry, settingsCatalog } from './settings-catalog.js';
