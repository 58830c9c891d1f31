import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { pino, type DestinationStream, type Level, type Logger as PinoLogger, type StreamEntry } from 'pino';
// rotating-file-stream: classic logrotate names (console.log, console.log.1 …) so the live file keeps its name; pino-roll numbers the live file.
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import {
  REDACTED,
  REDACTED_HEADER_PATHS,
  scrubLogLine,
  scrubText,
  withoutQueryValues,
} from '../../shared/log-redaction';

/**
 * Named loggers for the console (and the shop, which logs the same way): JSON lines to a file,
 * rotated by size, and short human lines on the terminal. Every line passes through
 * `scrubLogLine` on its way out, so no token, password, code or cookie reaches either.
 */

export const LOG_MODULES = [
  'launcher',
  'auth',
  'api',
  'sessions',
  'views',
  'ipc',
  'audit-mirror',
  'live-updates',
  'vault',
  'browser-tier',
  'electron',
  'shop',
] as const;
export type LogModule = (typeof LOG_MODULES)[number];
export type LogLevel = Level;
export type Logger = PinoLogger;

export interface LoggingOptions {
  /** JSON lines go here (folder created 0700, file 0600); none: no file. */
  file?: string | undefined;
  /** The file's level (default `info`). */
  level?: LogLevel | undefined;
  /** Human lines to stderr (`true`) or to this stream (tests); default none. */
  terminal?: boolean | NodeJS.WritableStream | undefined;
  /** Default `info`. */
  terminalLevel?: LogLevel | undefined;
  /** Default 10 MB × 5 files (the live one and 4 rotated). */
  rotation?: { size: `${number}${'B' | 'K' | 'M' | 'G'}`; files: number } | undefined;
}

export interface Logging {
  logger(name: LogModule): Logger;
  /** Resolves once every line logged so far is in the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const LEVEL_ORDER: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function createLogging(options: LoggingOptions): Logging {
  const fileLevel = options.level ?? 'info';
  const terminalLevel = options.terminalLevel ?? 'info';
  const target = options.terminal === true ? process.stderr : options.terminal || null;
  const file = options.file
    ? openLogFile(options.file, options.rotation ?? { size: '10M', files: 5 }, target ?? process.stderr)
    : null;
  const streams: StreamEntry[] = [];
  if (file) streams.push({ level: fileLevel, stream: file.stream });
  if (target)
    streams.push({
      level: terminalLevel,
      stream: {
        write: (line: string) => {
          target.write(formatTerminalLine(line));
        },
      },
    });
  const wanted: Level[] = [...(file ? [fileLevel] : []), ...(target ? [terminalLevel] : [])];
  const lowest = LEVEL_ORDER.find((l) => wanted.includes(l)) ?? 'silent';
  const root = pino(
    {
      level: lowest,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_HEADER_PATHS], censor: REDACTED },
      serializers: {
        err: pino.stdSerializers.errWithCause,
        error: pino.stdSerializers.errWithCause,
        req: requestSerializer,
        res: responseSerializer,
      },
      // The enforcement: whatever a caller put in a line, it is scrubbed before any stream sees it.
      hooks: { streamWrite: scrubLogLine },
    },
    pino.multistream(streams),
  );
  const loggers = new Map<LogModule, Logger>();
  return {
    logger(name) {
      let logger = loggers.get(name);
      if (!logger) loggers.set(name, (logger = root.child({ module: name })));
      return logger;
    },
    flush: () => file?.flush() ?? Promise.resolve(),
    close: () => file?.close() ?? Promise.resolve(),
  };
}

/** For the `log?: (message: string) => void` options of today's modules; an `error` argument is logged with its stack. */
export function asLogFn(logger: Logger, level: LogLevel = 'warn'): (message: string, error?: unknown) => void {
  return (message, error) => {
    if (error === undefined) logger[level](message);
    else logger[level]({ err: error }, message);
  };
}

let fallback: Logging | null = null;

/**
 * The logger of a module whose caller passed none: warnings and failures to stderr, scrubbed
 * like every other line. Every module's default is decided here and nowhere else.
 */
export function defaultLogger(name: LogModule): Logger {
  fallback ??= createLogging({ terminal: true, terminalLevel: 'warn' });
  return fallback.logger(name);
}

interface LogFile {
  stream: DestinationStream;
  flush(): Promise<void>;
  close(): Promise<void>;
}

function openLogFile(
  path: string,
  rotation: NonNullable<LoggingOptions['rotation']>,
  report: NodeJS.WritableStream,
): LogFile {
  // Only folders created here are made private: a --log-file in /tmp must not chmod /tmp.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  const rfs: RotatingFileStream = createStream(basename(path), {
    path: join(dirname(path), '/'),
    size: rotation.size,
    rotate: Math.max(1, rotation.files - 1),
    mode: 0o600,
  });
  let broken = false;
  let closing: Promise<void> | null = null;
  rfs.on('error', (error: unknown) => {
    if (broken) return;
    broken = true;
    // A full disk must not take the console down; say so once where a person will see it.
    report.write(
      `[logging] writing ${path} failed, file logging stopped: ${scrubText(error instanceof Error ? error.message : String(error))}\n`,
    );
  });
  const usable = () => !broken && closing === null;
  return {
    stream: {
      write: (line: string) => {
        if (usable()) rfs.write(line);
      },
    },
    flush: () =>
      usable()
        ? new Promise<void>((done) => {
            rfs.write('', () => {
              done();
            });
          })
        : Promise.resolve(),
    close() {
      if (closing) return closing;
      if (!broken) rfs.end();
      closing = broken ? Promise.resolve() : finished(rfs).catch(() => undefined);
      return closing;
    },
  };
}

/** Method and path of a request (Fastify's or Node's); headers and query values never. */
function requestSerializer(request: unknown): unknown {
  if (request === null || typeof request !== 'object') return request;
  const r = request as { method?: unknown; url?: unknown; ip?: unknown; socket?: { remoteAddress?: unknown } };
  return {
    method: r.method,
    url: typeof r.url === 'string' ? withoutQueryValues(r.url) : undefined,
    remoteAddress: r.ip ?? r.socket?.remoteAddress,
  };
}

function responseSerializer(response: unknown): unknown {
  if (response === null || typeof response !== 'object') return response;
  return { statusCode: (response as { statusCode?: unknown }).statusCode };
}

const FIELDS_SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'hostname', 'module', 'msg', 'err']);

/** `12:03:04 WARN  [sessions] message key=value`, then the error's stack indented. */
export function formatTerminalLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object') return line;
  const e = entry as Record<string, unknown>;
  const time = typeof e.time === 'string' || typeof e.time === 'number' ? new Date(e.time) : new Date();
  const level = (typeof e.level === 'string' ? e.level : 'log').toUpperCase().padEnd(5);
  const module = typeof e.module === 'string' ? `[${e.module}] ` : '';
  const extras = Object.entries(e)
    .filter(([key]) => !FIELDS_SHOWN_ELSEWHERE.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = e.err as { stack?: unknown } | undefined;
  const stack = typeof err?.stack === 'string' ? `\n    ${err.stack.split('\n').join('\n    ')}` : '';
  return `${time.toTimeString().slice(0, 8)} ${level} ${module}${typeof e.msg === 'string' ? e.msg : ''}${extras.length ? ` ${extras.join(' ')}` : ''}${stack}\n`;
}
