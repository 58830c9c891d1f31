// `tsx scripts/parallel.ts <script> <script>…`: runs npm scripts at once (on two cores the type
// check, lint and build need not wait for each other or the unit tests). The first script's output
// is shown as it comes; each other's when it ends, under its name. Fails if any of them failed.
import { spawn } from 'node:child_process';

const [first, ...rest] = process.argv.slice(2);
if (first === undefined) {
  console.error('usage: tsx scripts/parallel.ts <npm script> [<npm script>…]');
  process.exit(2);
}

interface Outcome {
  name: string;
  code: number;
  seconds: number;
}

function run(name: string, live: boolean): Promise<Outcome> {
  const started = Date.now();
  const child = spawn('npm', ['run', '-s', name], { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      if (!live) {
        const output = Buffer.concat(chunks).toString().trimEnd();
        console.log(`\n── npm run ${name} (${String(seconds)} s) ──${output ? `\n${output}` : ''}`);
      }
      resolve({ name, code: code ?? 1, seconds });
    });
  });
}

const outcomes = await Promise.all([run(first, true), ...rest.map((name) => run(name, false))]);
const failed = outcomes.filter((o) => o.code !== 0);
console.log(
  `\n${outcomes.map((o) => `${o.name}: ${o.code === 0 ? 'ok' : `failed (${String(o.code)})`} in ${String(o.seconds)} s`).join('; ')}`,
);
process.exit(failed.length > 0 ? 1 : 0);
