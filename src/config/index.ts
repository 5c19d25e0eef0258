export { databaseUrlOf, type LoadConfigOptions, loadConfig } from './load-config.js';
export { type Config, type ConfigInput, configSchema, environmentNames } from './schema.js';
