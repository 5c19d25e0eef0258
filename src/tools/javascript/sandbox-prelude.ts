/**
 * Evaluated first in every sandbox context. Receives the host's `emit(level, text, length)` (text cut before it crosses), the output budget and the input
 * as JSON; defines `console` and `input`; returns `{ start(code), finish() }`. Only strings cross
 * the boundary, so no host object is ever reachable from the script.
 */
export const sandboxPrelude = `(emit, inputJson, maxChars) => {
  const stringify = JSON.stringify;
  const toText = String;
  const show = (value) => {
    if (typeof value === 'string') return value;
    try {
      const text = stringify(value);
      return text === undefined ? toText(value) : text;
    } catch {
      return toText(value);
    }
  };
  const make = (level) => (...values) => {
    const text = values.map(show).join(' ');
    emit(level, text.length > maxChars ? text.slice(0, maxChars + 1) : text, text.length);
  };
  globalThis.console = {
    log: make('log'), info: make('info'), warn: make('warn'), error: make('error'), debug: make('debug'),
  };
  globalThis.input = JSON.parse(inputJson);
  const describe = (error) => {
    if (error instanceof Error) {
      const stack = typeof error.stack === 'string' ? error.stack.trim() : '';
      return toText(error.name) + ': ' + toText(error.message) + (stack === '' ? '' : '\\n' + stack);
    }
    return 'Uncaught ' + show(error);
  };
  let outcome;
  const settle = (value) => {
    try {
      const json = stringify(value === undefined ? null : value);
      outcome = { json: json === undefined ? 'null' : json };
    } catch (error) {
      outcome = { error: 'the result cannot be converted to JSON: ' + describe(error) };
    }
  };
  const fail = (error) => { outcome = { error: describe(error) }; };
  return {
    start(code) {
      try {
        const value = (0, eval)(code);
        if (value instanceof Promise) value.then(settle, fail);
        else settle(value);
      } catch (error) {
        fail(error);
      }
    },
    finish() {
      return outcome === undefined ? '{"pending":true}' : stringify(outcome);
    },
  };
}`;
