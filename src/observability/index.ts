export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
