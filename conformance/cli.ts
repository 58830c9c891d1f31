/**
 * The Assistance API conformance suite, against any shop over real HTTP:
 *   npm run conformance -- --shop-url <url> [--staff <file>] [--only <text>]…
 * Prints a table of checks; exits 0 when none failed, 1 when one did, 2 when it could not run.
 */
import { parseArgs } from 'node:util';
import { CHECKS } from './checks';
import { createRunContext } from './sign-in';
import { DEMO_STAFF_FILE, loadStaffFile } from './staff-file';
import { runChecks, type Check } from './suite';
import { formatTable } from './table';
import { totpCodes } from './totp';

const USAGE = `usage: npm run conformance -- --shop-url <url> [--staff <file>] [--only <text>]...
  --shop-url <url>   the shop's origin (the Assistance API is at <url>/api/v1)
  --staff <file>     staff and customers to use (JSON, see conformance/README.md); default: the reference shop's demo data
  --only <text>      run only the checks whose name contains <text> (repeatable)`;

interface Options {
  shopUrl: string;
  staff: string;
  only: string[];
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      'shop-url': { type: 'string' },
      staff: { type: 'string' },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const shopUrl = values['shop-url'];
  if (!shopUrl || !URL.canParse(shopUrl)) throw new Error(`--shop-url needs the shop's URL\n${USAGE}`);
  return { shopUrl, staff: values.staff ?? DEMO_STAFF_FILE, only: values.only ?? [] };
}

function selected(only: readonly string[]): readonly Check[] {
  if (only.length === 0) return CHECKS;
  const picked = CHECKS.filter((c) => only.some((text) => c.name.includes(text)));
  if (picked.length === 0) throw new Error(`no check's name contains ${only.map((t) => `"${t}"`).join(' or ')}`);
  return picked;
}

async function main(): Promise<number> {
  let options: Options;
  let checks: readonly Check[];
  try {
    options = parseOptions(process.argv.slice(2));
    checks = selected(options.only);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const file = await loadStaffFile(options.staff);
  const started = performance.now();
  process.stdout.write(`Assistance API conformance: ${options.shopUrl} (${checks.length} checks)\n\n`);
  const results = await runChecks(checks, createRunContext(options.shopUrl, file, totpCodes()));
  process.stdout.write(`${formatTable(results)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return results.some((r) => r.outcome === 'FAIL') ? 1 : 0;
}

// Exits at once: idle keep-alive connections to the shop would hold the process open for seconds.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
