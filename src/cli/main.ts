import type { CliContext } from './cli-context.js';
import { processIo } from './output.js';
import { createProgram, programArgv } from './program.js';
import { reportError } from './report-error.js';

/**
 * Runs the `colony` CLI with `argv` (as in `process.argv`) and resolves to the exit code.
 *
 * @example
 * process.exitCode = await main(['node', 'colony', 'agent', 'list', '--json']);
 */
export async function main(
  argv: readonly string[],
  context: CliContext = { io: processIo(), hints: {} },
): Promise<number> {
  const program = createProgram(context);
  try {
    await program.parseAsync(programArgv(program, argv));
    return 0;
  } catch (thrown) {
    return reportError(thrown, context.io, argv.includes('--json'), context.hints);
  }
}

// The entry point: `bin/colony.js` and `npm start` import this module, which runs the CLI.
const exitCode = await main(process.argv);
process.exit(exitCode);
