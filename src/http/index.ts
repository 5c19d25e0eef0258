export { createApp } from './app.js';
export type { HttpServices } from './http-services.js';
export { createRateLimiter, createRedisRateLimiter } from './rate-limiter.js';
