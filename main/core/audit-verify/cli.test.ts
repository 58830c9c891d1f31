import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyPair } from '../../../shared/audit/checkpoint';
import { USAGE } from './cli';
import { buildChain, checkpointsEvery, exportDir, exportLines, keyEntry, rewriteFrom } from './test-exports';

// The command as an auditor runs it: a separate process, through npm's script or npx tsx, on real files.
const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = 'main/core/audit-verify/cli.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const key = signingKeyPair();
const events = buildChain(1200);
const parts = { keys: [keyEntry(key)], checkpoints: checkpointsEvery(events, 500, key), events };

let dir: Awaited<ReturnType<typeof exportDir>>;
let keysFile: string;

beforeAll(async () => {
  dir = await exportDir();
  keysFile = await dir.write('keys.json', [JSON.stringify({ keys: [keyEntry(key)] })]);
});
afterAll(() => dir.close());

describe('npm run audit:verify (a real process)', () => {
  it('exits 0 for an untampered export and prints the summary', async () => {
    const file = await dir.write('export.jsonl', exportLines(parts));
    const run = await exec('npm', ['run', '-s', 'audit:verify', '--', file, '--keys', keysFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('verified from seq 1 to 1200: no gaps, every link checked');
    expect(run.stdout).toContain('1,000 events covered by a signed checkpoint, up to seq 1000');
    expect(run.stdout).toContain('Result         OK');
  });

  it('exits 1 with the first failure when the history was rewritten', async () => {
    const file = await dir.write(
      'rewritten.jsonl',
      exportLines({ ...parts, events: rewriteFrom(events, 321, { x: 1 }) }),
    );
    const run = await exec('npx', ['tsx', CLI, file, '--keys', keysFile, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; failure: { kind: string; seq: number; line: number } };
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ kind: 'history_rewritten', seq: 500, line: 1 + 1 + 2 + 500 });
  });

  it('exits 2 with the usage line for a missing file', async () => {
    const run = await exec('npx', ['tsx', CLI, join(ROOT, 'no-such-export.jsonl')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file');
    expect(run.stderr).toContain(USAGE);
    expect(run.stdout).toBe('');
  });
});
