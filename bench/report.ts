import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const PERFORMANCE_DOC = fileURLToPath(new URL('../docs/PERFORMANCE.md', import.meta.url));

const HEADER =
  '# Performance\n\nMeasured by `npm run bench` (see bench/README.md). Each section is rewritten by its benchmark part.\n';

/** Writes `## heading` with `body` into docs/PERFORMANCE.md, replacing that section if present. */
export async function writeSection(heading: string, body: string): Promise<void> {
  const current = await readFile(PERFORMANCE_DOC, 'utf8').catch(() => HEADER);
  const section = `## ${heading}\n\n${body.trim()}\n`;
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const rest = lines.slice(start + 1).findIndex((l) => /^## /.test(l));
    const end = rest < 0 ? lines.length : start + 1 + rest;
    next = [...lines.slice(0, start), ...section.split('\n'), ...lines.slice(end)]
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  }
  await writeFile(PERFORMANCE_DOC, next.endsWith('\n') ? next : `${next}\n`);
}
