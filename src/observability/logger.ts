import { pino } from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level: string;
  /** Pretty, colored lines for a terminal; JSON lines otherwise. */
  pretty: boolean;
}

/** Creates the process logger. Pretty output only when asked (a TTY), JSON for machines. */
export function createLogger(options: LoggerOptions): Logger {
  if (options.pretty) {
    return pino({
      level: options.level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level: options.level });
}

/** A logger that drops everything, for tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
