import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ColonyApiError } from '../client/index.js';
import { ColonyError, errorCodes } from '../errors/index.js';
import { parseApprovalAnswer } from './chat-repl.js';
import { exitCodeByErrorCode, exitCodeOf } from './exit-codes.js';
import { formatTable } from './output.js';
import { reportError } from './report-error.js';
import { capturedStream as capture } from './test-support/captured-stream.js';

describe('exit codes', () => {
  it('maps every error code once', () => {
    for (const code of errorCodes) expect(exitCodeByErrorCode[code]).toBeGreaterThan(0);
    expect(exitCodeOf(new ColonyError('invalid_input', 'x'))).toBe(2);
    expect(exitCodeOf(new ColonyError('unauthenticated', 'x'))).toBe(3);
    expect(exitCodeOf(new ColonyError('forbidden', 'x'))).toBe(4);
    expect(exitCodeOf(new ColonyError('not_found', 'x'))).toBe(5);
    expect(exitCodeOf(new ColonyError('conflict', 'x'))).toBe(6);
    expect(exitCodeOf(new ColonyError('unavailable', 'x'))).toBe(7);
    expect(exitCodeOf(new ColonyError('timeout', 'x'))).toBe(7);
    expect(exitCodeOf(new ColonyError('rate_limited', 'x'))).toBe(8);
    expect(exitCodeOf(new ColonyError('quota_exceeded', 'x'))).toBe(8);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownCommand', 'x'))).toBe(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
  });

  it('prints one line with a hint for an unreachable server', () => {
    const stderr = capture();
    const io = { stdin: process.stdin, stdout: capture().stream, stderr: stderr.stream, env: {} };
    const error = new ColonyApiError(
      0,
      'unavailable',
      'cannot reach Colony at http://127.0.0.1:1 (ECONNREFUSED)',
    );
    expect(reportError(error, io, false, { url: 'http://127.0.0.1:1' })).toBe(7);
    expect(stderr.text()).toBe(
      'error: cannot reach Colony at http://127.0.0.1:1 (ECONNREFUSED) — is `colony serve` running at http://127.0.0.1:1? (set --url or COLONY_URL)\n',
    );
  });
});

describe('approval answers', () => {
  it('approves on y/yes and rejects otherwise, keeping a reason', () => {
    expect(parseApprovalAnswer('y')).toEqual({ decision: 'approve' });
    expect(parseApprovalAnswer(' YES ')).toEqual({ decision: 'approve' });
    expect(parseApprovalAnswer('')).toEqual({ decision: 'reject' });
    expect(parseApprovalAnswer('n')).toEqual({ decision: 'reject' });
    expect(parseApprovalAnswer('too risky')).toEqual({ decision: 'reject', reason: 'too risky' });
  });
});

describe('formatTable', () => {
  it('pads columns under an upper-case header', () => {
    expect(
      formatTable(
        ['name', 'v'],
        [
          ['a', '1'],
          ['longer', '22'],
        ],
      ),
    ).toBe('NAME    V\na       1\nlonger  22');
    expect(formatTable(['name'], [])).toBe('(none)');
  });
});
