export { createModelRegistry, type ModelRegistry, type ResolvedModel } from './model-registry.js';
