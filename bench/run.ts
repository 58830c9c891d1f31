/**
 * Benchmarks: `npm run bench` runs every part, `npm run bench -- search` one of them.
 * A part measures, prints its results and writes its own section of docs/PERFORMANCE.md.
 */
export interface BenchPart {
  /** What `npm run bench -- <name>` selects. */
  name: string;
  description: string;
  run(): Promise<void>;
}

// Add a part: a module exporting a BenchPart, listed here (loaded only when it runs).
const PARTS: Record<string, () => Promise<BenchPart>> = {
  search: async () => (await import('./search')).searchBench,
  'audit-sync': async () => (await import('./audit-sync')).auditSyncBench,
  'audit-scale': async () => (await import('./audit-scale')).auditScaleBench,
  'console-ui': async () => (await import('./console-ui')).consoleUiBench,
  startup: async () => (await import('./startup')).startupBench,
  scale: async () => (await import('./scale')).scaleBench,
};

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run bench [-- <part>…]\nparts: ${Object.keys(PARTS).join(', ')}`);
    return 0;
  }
  const unknown = args.filter((a) => !(a in PARTS));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark part: ${unknown.join(', ')}. Parts: ${Object.keys(PARTS).join(', ')}`);
    return 2;
  }
  const selected = args.length > 0 ? args : Object.keys(PARTS);
  for (const name of selected) {
    const load = PARTS[name];
    if (!load) continue;
    const part = await load();
    console.log(`\n== ${part.name}: ${part.description}`);
    await part.run();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('Benchmark failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
