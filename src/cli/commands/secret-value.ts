import { ColonyError } from '../../errors/index.js';
import type { CliIo } from '../output.js';

type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Everything piped in, without the one line break `echo` or a file ends with. */
async function readPiped(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line typed at a terminal with nothing echoed; Ctrl-C or Ctrl-D cancels. */
function readHidden(input: TerminalInput, prompt: string, echo: NodeJS.WritableStream): Promise<string> {
  echo.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      echo.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003' || character === '\u0004') {
          return finish(new ColonyError('canceled', 'no value was given'));
        }
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    input.on('data', onData);
  });
}

/**
 * A secret's value from stdin: typed at a prompt that does not echo it, or piped
 * (`colony secret set NAME < token.txt`). Never a command-line argument: those land in the shell's
 * history and in every process listing.
 */
export async function readSecretValue(io: CliIo, name: string): Promise<string> {
  const input = io.stdin as TerminalInput;
  const value =
    input.isTTY === true
      ? await readHidden(input, `value of ${name} (not shown): `, io.stderr)
      : await readPiped(input);
  if (value === '') throw new ColonyError('invalid_input', `no value for ${name} on stdin`);
  return value;
}
