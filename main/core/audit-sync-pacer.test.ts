import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createAuditSyncPacer } from './audit-sync-pacer';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function pacer() {
  const syncs: number[] = [];
  const started = Date.now();
  const p = createAuditSyncPacer({
    sync: () => syncs.push(Date.now() - started),
    watchedGapMs: 2_000,
    backgroundGapMs: 30_000,
  });
  return { p, syncs };
}

it('syncs at the first growth, then at most once per background gap while nobody watches', async () => {
  const { p, syncs } = pacer();
  p.grew();
  await vi.advanceTimersByTimeAsync(0);
  expect(syncs).toEqual([0]);
  // Growth every second for a minute: two more syncs, 30 s apart, not sixty.
  for (let s = 1; s <= 60; s++) {
    await vi.advanceTimersByTimeAsync(1_000);
    p.grew();
  }
  await vi.advanceTimersByTimeAsync(0);
  expect(syncs).toEqual([0, 30_000, 60_000]);
  p.stop();
});

it('syncs every two seconds of growth while the audit screen is open, and brings a waiting sync forward when it opens', async () => {
  const { p, syncs } = pacer();
  p.grew();
  await vi.advanceTimersByTimeAsync(1_000);
  p.grew();
  // Waiting for the background gap (until 30 s) when the screen opens: due at 2 s instead.
  await vi.advanceTimersByTimeAsync(500);
  p.watch(true);
  await vi.advanceTimersByTimeAsync(600);
  expect(syncs).toEqual([0, 2_000]);
  for (let s = 0; s < 6; s++) {
    p.grew();
    await vi.advanceTimersByTimeAsync(1_000);
  }
  expect(syncs).toEqual([0, 2_000, 4_000, 6_000, 8_000]);
  // Closed again: the next waits for the background gap.
  p.watch(false);
  p.grew();
  await vi.advanceTimersByTimeAsync(29_000);
  expect(syncs).toHaveLength(5);
  await vi.advanceTimersByTimeAsync(2_000);
  expect(syncs).toEqual([0, 2_000, 4_000, 6_000, 8_000, 38_000]);
  p.stop();
});

it('does nothing without growth, and nothing after stop', async () => {
  const { p, syncs } = pacer();
  p.watch(true);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(syncs).toEqual([]);
  p.grew();
  p.stop();
  await vi.advanceTimersByTimeAsync(60_000);
  expect(syncs).toEqual([]);
});
