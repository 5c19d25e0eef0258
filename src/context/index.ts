export { inUnitOfWork } from './in-unit-of-work.js';
export { atLeast, requireRole, systemActor } from './roles.js';
export { type Actor, type Context, type Role, roles, type Services } from './types.js';
