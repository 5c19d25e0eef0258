import { createInterface } from 'node:readline';

/** Reads lines one at a time, from a terminal (with prompts and editing) or from a pipe. */
export interface LineReader {
  /** The next line, or null when the input has ended (EOF, Ctrl-D, or `close()`). */
  next(prompt: string): Promise<string | null>;
  /** Called on Ctrl-C in a terminal; the default closes the reader. */
  onInterrupt(handler: () => void): void;
  close(): void;
}

/**
 * Wraps node:readline. Lines that arrive before they are asked for are queued, so piped input
 * answers prompts in order. Without a terminal the prompt and the consumed line are echoed to
 * `echo`, so a piped session still reads as a transcript.
 */
export function createLineReader(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  echo: NodeJS.WritableStream,
): LineReader {
  const terminal = input.isTTY === true;
  const readline = createInterface({
    input,
    ...(terminal ? { output: echo, terminal: true } : { terminal: false }),
  });
  const queued: string[] = [];
  let waiting: ((line: string | null) => void) | undefined;
  let ended = false;
  let interrupt = () => readline.close();
  readline.on('line', (line) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(line);
    } else {
      queued.push(line);
    }
  });
  readline.on('close', () => {
    ended = true;
    waiting?.(null);
    waiting = undefined;
  });
  readline.on('SIGINT', () => interrupt());
  return {
    async next(prompt) {
      const take = (line: string | null) => {
        if (!terminal && line !== null) echo.write(`${prompt}${line}\n`);
        return line;
      };
      const early = queued.shift();
      if (early !== undefined) return take(early);
      if (ended) return null;
      if (terminal) {
        readline.setPrompt(prompt);
        readline.prompt();
      }
      return new Promise<string | null>((resolve) => {
        waiting = (line) => resolve(terminal ? line : take(line));
      });
    },
    onInterrupt(handler) {
      interrupt = handler;
    },
    close() {
      readline.close();
    },
  };
}
