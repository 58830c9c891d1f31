import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ShopProcess {
  url: string;
  child: ChildProcess;
}

/**
 * The shop CLI in its own process over `databaseUrl`, so the load generator does not share its event loop.
 * `port`: 0 picks a free one; a fixed port keeps the shop's origin (the startup part's reused mirror is named after it).
 */
export async function startShopProcess(databaseUrl: string, port = 0, extraArgs: string[] = []): Promise<ShopProcess> {
  // Its own signing key (kept between runs, like the bench databases), not the demo shop's.
  const keyFile = '.data/bench/audit-signing-key.json';
  const args = ['--import', 'tsx', 'shop/cli.ts', '--port', String(port), '--seed', 'none'];
  args.push('--audit-key-file', keyFile, ...extraArgs);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`the shop exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return { url, child };
}

export async function stopShopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
