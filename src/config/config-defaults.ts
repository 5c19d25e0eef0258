import { deepFreeze } from './config-layers.js';
import { type Config, configSchema } from './schema.js';

/**
 * Every setting at its default (`dataDir` still relative). For tests and embedders that build a
 * capability without loading a config, e.g. `createToolRegistry(configDefaults.tools)`.
 */
export const configDefaults: Config = deepFreeze(configSchema.parse({}));
