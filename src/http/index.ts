export { createApp } from './app.js';
export { errorBody, statusOf } from './errors.js';
export type { HttpEnvironment, HttpServices } from './http-services.js';
export { createRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';
export { type ColonyApp, contextOf } from './request-context.js';
