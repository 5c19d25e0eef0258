import jsonata from 'jsonata';
import { ColonyError, coerceError, invalidInput } from '../errors/index.js';

/** Bounds of one evaluation: its time, its recursion depth, and the size of its result. */
export const expressionLimits = { timeoutMs: 250, stack: 200, sequence: 100_000, outputChars: 256_000 };

/** What expressions can read: `$input`, `$steps.<id>.output`, and in a map `$item`, `$index`. */
export type ExpressionScope = Record<string, unknown>;

const wrapped = /^\$\{([\s\S]*)\}$/;
const compiled = new Map<string, jsonata.Expression>();

/** The expression inside `${ … }`, or undefined when the string is literal. */
export function templateExpression(value: string): string | undefined {
  return wrapped.exec(value.trim())?.[1]?.trim();
}

function compile(source: string, path: string): jsonata.Expression {
  const cached = compiled.get(source);
  if (cached) return cached;
  try {
    const expression = jsonata(source, {
      timeout: expressionLimits.timeoutMs,
      stack: expressionLimits.stack,
      sequence: expressionLimits.sequence,
    });
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, expression);
    return expression;
  } catch (error) {
    throw invalidInput(path, `expression does not parse: ${messageOf(error)}`);
  }
}

/** JSONata throws plain objects `{ code, position, message }`, not `Error`s. */
function messageOf(thrown: unknown): string {
  if (
    thrown !== null &&
    typeof thrown === 'object' &&
    'message' in thrown &&
    typeof thrown.message === 'string'
  ) {
    const position =
      'position' in thrown && typeof thrown.position === 'number' ? ` (at ${thrown.position})` : '';
    return `${thrown.message}${position}`;
  }
  return coerceError(thrown).message;
}

/** Throws `invalid_input` naming `path` when `source` is not a JSONata expression. */
export function checkExpression(source: string, path: string): void {
  compile(source, path);
}

/**
 * Evaluates a JSONata expression against the scope (bound as `$name` variables; the input
 * document is the scope too, so `input.x` and `$input.x` both work). JSONata has no `eval` and
 * no access to the process; time, depth and result size are bounded.
 */
export async function evaluate(source: string, scope: ExpressionScope, path: string): Promise<unknown> {
  const expression = compile(source, path);
  let value: unknown;
  try {
    value = await expression.evaluate(scope, scope);
  } catch (error) {
    const message = messageOf(error);
    throw new ColonyError('invalid_input', `${path}: ${message}`, { fields: [{ path, message }] });
  }
  return bounded(normalize(value), path);
}

/** A value whose `${ … }` strings (at any depth) are evaluated. */
export async function evaluateTemplate(
  value: unknown,
  scope: ExpressionScope,
  path: string,
): Promise<unknown> {
  if (typeof value === 'string') {
    const source = templateExpression(value);
    return source === undefined ? value : evaluate(source, scope, path);
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((item, index) => evaluateTemplate(item, scope, `${path}.${index}`)));
  }
  if (value !== null && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([key, item]) => [key, await evaluateTemplate(item, scope, `${path}.${key}`)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** Every `${ … }` in a template, with its path, to check at apply time. */
export function templateExpressions(value: unknown, path: string): Array<{ source: string; path: string }> {
  if (typeof value === 'string') {
    const source = templateExpression(value);
    return source === undefined ? [] : [{ source, path }];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => templateExpressions(item, `${path}.${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => templateExpressions(item, `${path}.${key}`));
  }
  return [];
}

/** JSONata sequences and undefined become plain JSON (undefined → null). */
function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
}

function bounded(value: unknown, path: string): unknown {
  const size = JSON.stringify(value).length;
  if (size > expressionLimits.outputChars) {
    throw invalidInput(path, `expression result is ${size} characters, over ${expressionLimits.outputChars}`);
  }
  return value;
}
