import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { defaultWorkerUrl, verifierThread, type VerifierThread } from './worker-client';

// No request reaches this address: the verifier only connects when asked for a page.
const SHOP = { shopUrl: 'http://127.0.0.1:9' };
const threads: VerifierThread[] = [];

afterEach(async () => {
  for (const thread of threads.splice(0)) await thread.close();
});

async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('not within the time allowed');
    await sleep(20);
  }
}

it('a verifier thread left idle ends after its rest, and the next sync gets a new one that answers', async () => {
  const thread = verifierThread(defaultWorkerUrl(), SHOP, 200);
  threads.push(thread);
  const first = thread.client();
  // The thread answers before it rests ('forget' with nothing in flight).
  await expect(first.call('forget', {})).resolves.toBeNull();
  thread.idle();
  await until(() => first.failed());
  const second = thread.client();
  expect(second).not.toBe(first);
  await expect(second.call('forget', {})).resolves.toBeNull();
});

it('a sync that starts within the rest keeps the same thread', async () => {
  const thread = verifierThread(defaultWorkerUrl(), SHOP, 200);
  threads.push(thread);
  const first = thread.client();
  thread.idle();
  expect(thread.client()).toBe(first);
  await sleep(600);
  expect(first.failed()).toBe(false);
  await expect(first.call('forget', {})).resolves.toBeNull();
});
