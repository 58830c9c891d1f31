import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { until } from '../test/started-shop';
import { installMemoryProbe, MEMORY_PROBE_ENV, MEMORY_PROBE_SIGNAL, memorySampleOf } from './memory-probe';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the memory probe (benchmarks only)', () => {
  it('is off without CONCIERGE_MEMORY_PROBE=1: no signal listener', () => {
    const before = process.listenerCount(MEMORY_PROBE_SIGNAL);
    expect(installMemoryProbe({})).toBe(false);
    expect(installMemoryProbe({ [MEMORY_PROBE_ENV]: 'yes' })).toBe(false);
    expect(process.listenerCount(MEMORY_PROBE_SIGNAL)).toBe(before);
  });

  it('makes `npm run shop` collect its garbage and print its memory on SIGUSR2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shop-memory-'));
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'shop/cli.ts', '--port', '0', '--quiet', '--data-dir', join(dir, 'data')],
      { cwd: ROOT, env: { ...process.env, [MEMORY_PROBE_ENV]: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let output = '';
      const lines = () => output.split('\n');
      const listening = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('listening on')) resolve();
        });
        child.once('exit', (code) => {
          reject(new Error(`the shop exited (${String(code)}):\n${output}`));
        });
      });
      await listening;
      child.kill(MEMORY_PROBE_SIGNAL);
      const sample = await until('a memory sample', () =>
        Promise.resolve(
          lines()
            .map(memorySampleOf)
            .find((s) => s !== null),
        ),
      );
      expect(sample).toMatchObject({ pid: child.pid, collected: true });
      expect(sample.heapUsed).toBeGreaterThan(0);
      expect(sample.rss).toBeGreaterThan(sample.heapUsed);
      // The shop serves on after a sample.
      expect(child.exitCode).toBeNull();
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads only its own lines', () => {
    expect(memorySampleOf('Concierge shop listening on http://127.0.0.1:4310')).toBeNull();
    expect(memorySampleOf('concierge-memory {"pid":1}')).toBeNull();
    expect(memorySampleOf('concierge-memory {"pid":7,"coll')).toBeNull();
    expect(memorySampleOf('concierge-memory {"pid":7,"collected":true,"heapUsed":1,"rss":2,"external":3}')).toEqual({
      pid: 7,
      collected: true,
      heapUsed: 1,
      rss: 2,
      external: 3,
    });
  });
});
