import { readFileSync } from 'node:fs';
import { type Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { settingsCatalog } from '../config/settings-catalog.js';
import { createProgram, programArgv } from './program.js';
import { capturedStream } from './test-support/captured-stream.js';

function program() {
  const stdout = capturedStream();
  const io = { stdin: process.stdin, stdout: stdout.stream, stderr: capturedStream().stream, env: {} };
  return { program: createProgram({ io, hints: {} }), stdout };
}

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('the colony program', () => {
  it.each([['--version'], ['-V'], ['--json', '--version']])(
    'prints the package version for %s',
    async (...flags) => {
      const { program: colony, stdout } = program();
      const parsed = colony.parseAsync(programArgv(colony, ['node', 'colony', ...flags]));
      await expect(parsed).rejects.toThrow(CommanderError);
      await expect(parsed).rejects.toMatchObject({ code: 'commander.version', exitCode: 0 });
      expect(stdout.text()).toBe(`${packageVersion}\n`);
    },
  );

  it("leaves a command's own --version to the command", () => {
    const { program: colony } = program();
    const argv = ['node', 'colony', 'agent', 'show', 'helper', '--version', '1'];
    expect(programArgv(colony, argv)).toEqual(argv);
  });

  it('has every flag the configuration table names, on serve or on every command', () => {
    const { program: colony } = program();
    const serve = colony.commands.find((command) => command.name() === 'serve');
    const flagsOf = (command: Command | undefined) => command?.options.map((option) => option.long) ?? [];
    const known = new Set([...flagsOf(colony), ...flagsOf(serve)]);
    const named = settingsCatalog.flatMap((entry) => (entry.flag === undefined ? [] : [entry.flag]));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((flag) => !known.has(flag))).toEqual([]);
  });
});
