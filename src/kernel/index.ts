export { backoffDelay } from './backoff.js';
export { type Clock, createManualClock, systemClock } from './clock.js';
export { createIdGenerator, type IdGenerator } from './ids.js';
export { sleep } from './sleep.js';
