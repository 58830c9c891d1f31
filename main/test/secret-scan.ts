import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Test support: did any secret a test used end up in a log? `readLogFiles` reads every file under
 * a folder (rotated ones too), `findSecrets` looks for each secret in them and in captured output.
 */

export interface NamedText {
  name: string;
  text: string;
}

export interface SecretHit {
  /** The text's name (a log file's path relative to the folder, or e.g. "terminal"). */
  name: string;
  secret: string;
  /** How it appeared: as is, or encoded for a URL or JSON. */
  form: 'plain' | 'url-encoded' | 'json-escaped';
  line: number;
  /** About 60 characters either side. */
  context: string;
}

/** Shorter strings would match by chance (a 4-digit code in a timestamp); the caller picks what to scan for. */
const MIN_SECRET_LENGTH = 4;

function formsOf(secret: string): [SecretHit['form'], string][] {
  const forms: [SecretHit['form'], string][] = [['plain', secret]];
  const url = encodeURIComponent(secret);
  if (url !== secret) forms.push(['url-encoded', url]);
  const json = JSON.stringify(secret).slice(1, -1);
  if (json !== secret) forms.push(['json-escaped', json]);
  return forms;
}

/** Every occurrence of every secret in every text, with where and around what. */
export function findSecrets(texts: readonly NamedText[], secrets: readonly string[]): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new Error(
        `secret "${secret}" is shorter than ${MIN_SECRET_LENGTH} characters: scanning for it would find it by chance`,
      );
    for (const [form, needle] of formsOf(secret)) {
      for (const { name, text } of texts) {
        for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
          hits.push({
            name,
            secret,
            form,
            line: text.slice(0, at).split('\n').length,
            context: text.slice(Math.max(0, at - 60), at + needle.length + 60),
          });
        }
      }
    }
  }
  return hits;
}

/** Every file under `dir`, any depth, named by its path relative to `dir`. A missing folder is an error: no logs is a finding too. */
export async function readLogFiles(dir: string): Promise<NamedText[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return Promise.all(files.map(async (path) => ({ name: relative(dir, path), text: await readFile(path, 'utf8') })));
}

/** For an assertion message: each hit on its own line. */
export function describeHits(hits: readonly SecretHit[]): string {
  return hits.map((h) => `${h.name}:${h.line} (${h.form}): …${h.context}…`).join('\n');
}
