export {
  ColonyError,
  coerceError,
  type ErrorCode,
  type ErrorDetails,
  errorCodes,
  invalidInput,
  isColonyError,
  notFound,
} from './colony-error.js';
export { fromZodError } from './from-zod-error.js';
