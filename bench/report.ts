import { readFileSync } from 'node:fs';
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

/** When a section was measured, as its first line says it: `2025-03-14 09:26` (UTC). */
export const measuredAtText = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ');

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * `text` with every `{{name}}` replaced by `values[name]` (values are inserted as they are, never
 * scanned for placeholders). Throws on a placeholder without a value and on a value no placeholder
 * uses, so a template and its code cannot drift apart unnoticed.
 */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>, source = 'template'): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (missing.size > 0 || unused.length > 0) {
    const problems = [
      ...[...missing].map((name) => `no value for {{${name}}}`),
      ...unused.map((name) => `{{${name}}} given but not in the template`),
    ];
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  return filled;
}

/**
 * bench/templates/<name>.md filled with `values` (see fillTemplate). The file's final newline is
 * not part of the template, so a template ends where its text does.
 */
export function renderTemplate(name: string, values: Readonly<Record<string, string>> = {}): string {
  const file = new URL(`./templates/${name}.md`, import.meta.url);
  const text = readFileSync(file, 'utf8').replace(/\n$/, '');
  return fillTemplate(text, values, `bench/templates/${name}.md`);
}
