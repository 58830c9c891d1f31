/**
 * The browser-tier console as its own process, started by `npm start` (scripts/launcher.ts):
 *   node --import tsx main/browser-tier/cli.ts --shop-url <url> --port <n> --data-dir <dir> --logs-dir <dir> [--audit-worker <file>] [--audit-template-maker <file>]
 * It tells the launcher its address over the IPC channel, and ends its open sessions at the shop
 * before it exits: on SIGINT/SIGTERM, when the launcher goes away, and after an unexpected error.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { guardProcess } from '../core/process-guard';
import type { BrowserTier } from './server';
import { runBrowserConsole } from './run';
import { asLogFn, createLogging } from '../core/logging';
import { scrubText } from '../../shared/log-redaction';

export interface ConsoleReady {
  type: 'ready';
  url: string;
  pid: number;
  keychainMessage: string | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'shop-url': { type: 'string' },
      port: { type: 'string', default: '4320' },
      'data-dir': { type: 'string' },
      'logs-dir': { type: 'string' },
      // The built audit mirror worker (the launcher passes it once the build is current); else worker.ts through tsx.
      'audit-worker': { type: 'string' },
      // The built audit template maker, likewise; else template-maker.ts through tsx.
      'audit-template-maker': { type: 'string' },
    },
    strict: true,
  });
  if (!values['shop-url'] || !values['data-dir'] || !values['logs-dir'])
    throw new Error('--shop-url, --data-dir and --logs-dir are required');
  // The launcher speaks to the person; the terminal shows the console's warnings and failures only.
  const logFile = join(resolve(values['logs-dir']), 'console.log');
  const logging = createLogging({ file: logFile, terminal: true, terminalLevel: 'warn' });
  const log = logging.logger('browser-tier');
  let tier: BrowserTier | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= (async () => {
      await tier?.close().catch((error: unknown) => {
        log.error({ err: error }, 'closing the console failed');
      });
      await logging.close();
      process.exit(code);
    })();
    return stopping;
  };
  guardProcess({
    target: process,
    log: (message, error) => {
      log.fatal({ err: error }, message);
    },
    shutdown: async () => {
      await tier?.close();
      await logging.close();
    },
    exit: (code) => process.exit(code),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
  // The launcher went away (killed, or its terminal closed): end the sessions and go too.
  process.on('disconnect', () => void stop(0));

  const projectRoot = join(import.meta.dirname, '..', '..');
  const auditWorker = values['audit-worker'];
  const templateMaker = values['audit-template-maker'];
  tier = await runBrowserConsole({
    ...(auditWorker ? { workerUrl: resolve(auditWorker) } : {}),
    ...(templateMaker ? { templateMakerFile: resolve(templateMaker) } : {}),
    shopUrl: values['shop-url'],
    port: Number(values.port),
    dataDir: resolve(values['data-dir']),
    rendererDir: join(projectRoot, 'out', 'renderer'),
    log: asLogFn(logging.logger('browser-tier')),
    loggers: (name) => logging.logger(name),
    logFile,
  });
  const state = await tier.core.auth.state();
  const ready: ConsoleReady = {
    type: 'ready',
    url: tier.url,
    pid: process.pid,
    keychainMessage: state.keychain.available ? null : state.keychain.message,
  };
  log.info({ origin: tier.origin }, 'console ready');
  if (process.send) process.send(ready);
  else process.stdout.write(`Console ready: ${tier.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The console failed to start: ${scrubText(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
