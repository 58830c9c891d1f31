import { describe, expect, it } from 'vitest';
import { createLookupQueue } from './lookup-queue';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('lookup queue', () => {
  it('runs at most max lookups at once, the rest in order as slots free up', async () => {
    const queue = createLookupQueue(2);
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      queue.run(() => {
        started.push(i);
        return gate.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve('b');
    await expect(results[1]).resolves.toBe('b');
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve('a');
    gates[2]?.resolve('c');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('drops a waiting lookup whose caller gave up, without running it, and frees its turn', async () => {
    const queue = createLookupQueue(1);
    const first = deferred<string>();
    const ran: string[] = [];
    const a = queue.run(() => {
      ran.push('a');
      return first.promise;
    });
    const abort = new AbortController();
    const b = queue.run(() => {
      ran.push('b');
      return Promise.resolve('b');
    }, abort.signal);
    const c = queue.run(() => {
      ran.push('c');
      return Promise.resolve('c');
    });
    abort.abort();
    await expect(b).rejects.toThrow();
    first.resolve('a');
    await expect(a).resolves.toBe('a');
    await expect(c).resolves.toBe('c');
    expect(ran).toEqual(['a', 'c']);
  });

  it('frees the slot when a lookup fails', async () => {
    const queue = createLookupQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('shop down')))).rejects.toThrow('shop down');
    await expect(queue.run(() => Promise.resolve(1))).resolves.toBe(1);
  });
});
