import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { defaultTemplateMakerFile, mirrorTemplate, nodeTemplateMaker, TEMPLATE_FOLDER } from './template';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function auditDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-template-'));
  dirs.push(dir);
  return join(dir, 'audit');
}

it('says why when the maker fails, and leaves nothing half-made', async () => {
  const audit = await auditDir();
  const warnings: unknown[][] = [];
  const template = mirrorTemplate(join(audit, TEMPLATE_FOLDER), () => Promise.reject(new Error('disk full')), {
    warn: (...args: unknown[]) => {
      warnings.push(args);
    },
  });
  expect(await template.ready()).toBeNull();
  expect(warnings).toEqual([[{ err: new Error('disk full') }, 'could not set up the audit mirror template']]);
  expect(await readdir(audit)).toEqual([]);
});

it('stops the maker process when the console closes, quietly, and removes what it had made', async () => {
  const audit = await auditDir();
  const warnings: unknown[] = [];
  const template = mirrorTemplate(join(audit, TEMPLATE_FOLDER), nodeTemplateMaker(defaultTemplateMakerFile()), {
    warn: (...args: unknown[]) => warnings.push(args),
  });
  // Wait until the maker has started writing its folder, then close.
  await expect.poll(async () => (await readdir(audit).catch(() => [])).length, { timeout: 30_000 }).toBe(1);
  await template.close();
  expect(await template.ready()).toBeNull();
  expect(warnings).toEqual([]);
  expect(await readdir(audit)).toEqual([]);
});

it('removes the templates of earlier schema versions and the spare an earlier release kept', async () => {
  const audit = await auditDir();
  for (const name of ['template-v1', 'spare', 'keep-me']) await mkdir(join(audit, name), { recursive: true });
  const made: string[] = [];
  const template = mirrorTemplate(
    join(audit, TEMPLATE_FOLDER),
    async (folder) => {
      made.push(folder);
      await mkdir(folder);
    },
    { warn: () => undefined },
  );
  expect(await template.ready()).toBe(join(audit, TEMPLATE_FOLDER));
  expect((await readdir(audit)).sort()).toEqual(['keep-me', TEMPLATE_FOLDER].sort());
  // Once there, it is kept: the next console start makes nothing.
  expect(
    await mirrorTemplate(join(audit, TEMPLATE_FOLDER), () => Promise.reject(new Error('made again')), {
      warn: () => undefined,
    }).ready(),
  ).toBe(join(audit, TEMPLATE_FOLDER));
  expect(made).toHaveLength(1);
});
