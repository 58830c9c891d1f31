import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { guardProcess } from './process-guard';

describe('the process guard', () => {
  it('logs a stray rejection and carries on; after an uncaught exception it ends the sessions, then exits 1', async () => {
    const target = new EventEmitter();
    const log = vi.fn();
    const order: string[] = [];
    const exited = new Promise<number>((resolve) => {
      guardProcess({
        target,
        log,
        shutdown: () => {
          order.push('shutdown');
          return Promise.resolve();
        },
        exit: (code) => {
          order.push('exit');
          resolve(code);
        },
      });
    });
    target.emit('unhandledRejection', new Error('stray'));
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('nobody handled it'),
      expect.objectContaining({ message: 'stray' }),
    );
    expect(order).toEqual([]);
    target.emit('uncaughtException', new Error('boom'));
    expect(await exited).toBe(1);
    expect(order).toEqual(['shutdown', 'exit']);
  });

  it('exits at the deadline when ending the sessions hangs', async () => {
    const target = new EventEmitter();
    const code = await new Promise<number>((resolve) => {
      guardProcess({
        target,
        log: () => undefined,
        shutdown: () => new Promise(() => undefined),
        exit: resolve,
        deadlineMs: 50,
      });
      target.emit('uncaughtException', new Error('boom'));
    });
    expect(code).toBe(1);
  });

  it('guards a real Node process: the rejection is logged, the exception ends the sessions first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'process-guard-'));
    try {
      const script = join(dir, 'crash.ts');
      await writeFile(
        script,
        `
        import { guardProcess } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'process-guard.ts')).href)};
        guardProcess({ target: process, log: (m, e) => { console.log('LOG', m, e instanceof Error ? e.message : e); }, shutdown: async () => { console.log('ENDING SESSIONS'); }, exit: (c) => process.exit(c) });
        void Promise.reject(new Error('stray'));
        setTimeout(() => { console.log('STILL RUNNING'); throw new Error('boom'); }, 100);
      `,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        cwd: join(import.meta.dirname, '..', '..'),
      });
      expect(run.stdout).toMatch(
        /LOG a background task failed.*stray[\s\S]*STILL RUNNING[\s\S]*LOG the console hit an unexpected error.*boom[\s\S]*ENDING SESSIONS/,
      );
      expect(run.status).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
