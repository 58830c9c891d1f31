import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeHits, findSecrets, readLogFiles } from './secret-scan';

describe('secret scan', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads every file under a folder, rotated and nested ones included, and finds each secret with its place', async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-scan-'));
    await mkdir(join(dir, 'old'));
    await writeFile(
      join(dir, 'console.log'),
      '{"msg":"signed in"}\n{"msg":"cookie concierge_assist=S3cr3tCookieValue"}\n',
    );
    await writeFile(join(dir, 'console.log.1'), '{"msg":"refresh a/b+c=="}\n');
    await writeFile(join(dir, 'old', 'shop.log'), `{"msg":"url ${encodeURIComponent('a/b+c==')}"}\n{"msg":"fine"}\n`);

    const texts = await readLogFiles(dir);
    expect(texts.map((t) => t.name)).toEqual(['console.log', 'console.log.1', join('old', 'shop.log')]);

    const terminal = { name: 'terminal', text: 'line one\nsaid "quote\\"d" and 123456\n' };
    const hits = findSecrets(
      [...texts, terminal],
      ['S3cr3tCookieValue', 'a/b+c==', 'quote"d', '123456', 'never-logged'],
    );
    expect(hits.map((h) => [h.name, h.secret, h.form, h.line])).toEqual([
      ['console.log', 'S3cr3tCookieValue', 'plain', 2],
      ['console.log.1', 'a/b+c==', 'plain', 1],
      [join('old', 'shop.log'), 'a/b+c==', 'url-encoded', 1],
      ['terminal', 'quote"d', 'json-escaped', 2],
      ['terminal', '123456', 'plain', 2],
    ]);
    expect(hits[0]!.context).toContain('concierge_assist=S3cr3tCookieValue');
    expect(describeHits(hits)).toMatch(/^console\.log:2 \(plain\): …/);
  });

  it('finds every occurrence, and none in clean texts', () => {
    expect(findSecrets([{ name: 't', text: 'x tok tok y' }], ['tok '])).toHaveLength(2);
    expect(findSecrets([{ name: 't', text: 'nothing here' }], ['secret-value'])).toEqual([]);
  });

  it('refuses secrets short enough to match by chance, and a missing log folder', async () => {
    expect(() => findSecrets([{ name: 't', text: 'abc' }], ['ab'])).toThrow(/shorter than 4/);
    await expect(readLogFiles(join(tmpdir(), 'no-such-log-folder-here'))).rejects.toThrow(/ENOENT/);
  });
});
