export { defaultPrices } from './default-prices.js';
export {
  createModelRegistry,
  type ModelRegistry,
  parseModelSpec,
  type ResolvedModel,
} from './model-registry.js';
export type { ModelPrice, ModelsConfig } from './models-config.js';
export { createOfflineModel, type OfflineModelOptions } from './offline/offline-model.js';
