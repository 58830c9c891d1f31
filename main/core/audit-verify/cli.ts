/**
 * Verifies a console's JSON Lines audit export with no shop and no console:
 *   npm run audit:verify -- <export.jsonl> [--keys <keys.json>] [--json]
 * Exit code 0: everything holds; 1: the first failure is printed; 2: usage error.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AuditKeys, type AuditSigningKey } from '../../../shared/api/audit';
import { nodeEd25519Verify, nodeSha256Hex } from '../audit-mirror/node-crypto';
import { formatReport, jsonReport } from './report';
import { keyProblem, verifyExportLines } from './verify-export';

export const USAGE = 'usage: npm run audit:verify -- <export.jsonl> [--keys <keys.json>] [--json]';

export const EXIT_CODE = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

interface CliArgs {
  readonly file: string;
  readonly keysFile: string | null;
  readonly json: boolean;
}

function parseCli(args: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { keys: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError('name the export file to verify');
  if (extra.length > 0) throw new UsageError(`one export file at a time (also given: ${extra.join(' ')})`);
  return { file, keysFile: parsed.values.keys ?? null, json: parsed.values.json ?? false };
}

/** npm runs scripts in the package folder; INIT_CWD is where the auditor typed the command. */
function fromCaller(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

async function assertReadableFile(path: string, what: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new UsageError(`${what} ${path} is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : ` (${String(code)})`}`);
  }
}

/** The keys file: the body of the shop's GET /api/v1/audit/keys, `{"keys":[...]}`. */
async function readTrustedKeys(path: string): Promise<AuditSigningKey[]> {
  await assertReadableFile(path, 'keys file');
  let body: unknown;
  try {
    body = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`keys file ${path} is not JSON; save the body of the shop's GET /api/v1/audit/keys`);
  }
  const parsed = AuditKeys.safeParse(body);
  if (!parsed.success)
    throw new UsageError(`keys file ${path} is not {"keys":[...]} as GET /api/v1/audit/keys answers`);
  for (const key of parsed.data.keys) {
    const problem = keyProblem(key);
    if (problem) throw new UsageError(`keys file ${path}: ${problem}`);
  }
  return parsed.data.keys;
}

export interface CliOutput {
  write(text: string): unknown;
}

async function prepare(
  args: readonly string[],
): Promise<CliArgs & { path: string; trustedKeys: AuditSigningKey[] | null }> {
  const cli = parseCli(args);
  const path = fromCaller(cli.file);
  await assertReadableFile(path, 'export file');
  const trustedKeys = cli.keysFile === null ? null : await readTrustedKeys(fromCaller(cli.keysFile));
  return { ...cli, path, trustedKeys };
}

/** Runs the verifier as the command line does and returns its exit code. */
export async function runAuditVerify(
  args: readonly string[],
  out: { stdout: CliOutput; stderr: CliOutput },
): Promise<number> {
  let run;
  try {
    run = await prepare(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr.write(`${error.message}\n${USAGE}\n`);
    return EXIT_CODE.usage;
  }
  // Read line by line: memory holds one line, the checkpoints and counters, whatever the export's size.
  const input = createReadStream(run.path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    const result = await verifyExportLines(lines, {
      trustedKeys: run.trustedKeys,
      hashHex: nodeSha256Hex,
      verifySignature: nodeEd25519Verify(),
    });
    const ctx = { file: run.file, keysFile: run.keysFile };
    out.stdout.write(run.json ? jsonReport(result, ctx) : formatReport(result, ctx));
    return result.ok ? EXIT_CODE.ok : EXIT_CODE.failed;
  } catch (error) {
    out.stderr.write(
      `cannot read export file ${run.file}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT_CODE.usage;
  } finally {
    lines.close();
    input.destroy();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAuditVerify(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
