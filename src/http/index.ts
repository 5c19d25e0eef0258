export { type ColonyApp, contextOf, createApp } from './app.js';
export { errorBody, statusOf } from './errors.js';
export type { HttpEnvironment, HttpServices } from './http-services.js';
export { createRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';
