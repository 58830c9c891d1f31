import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Test support: `npm run conformance` as a user runs it, its output and exit code read. */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runConformance(shopUrl: string, extra: string[] = []): Promise<Run> {
  const child = spawn('npm', ['run', '-s', 'conformance', '--', '--shop-url', shopUrl, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** The line of the table for `name`: the check, its result and reason. */
export function rowOf(stdout: string, name: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith(`${name} `));
}
