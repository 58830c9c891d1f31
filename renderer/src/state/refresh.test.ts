import { describe, expect, it } from 'vitest';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { deferred } from '../test/fake-bridge';
import { refreshAfterChange } from './refresh';

describe('refreshAfterChange', () => {
  it('asks again when the first fetch, read before the change, is still on its way', async () => {
    const queryClient = new QueryClient();
    const answers = [deferred<string>(), deferred<string>()];
    let calls = 0;
    const observer = new QueryObserver(queryClient, {
      queryKey: ['list', 1],
      queryFn: () => answers[calls++]?.promise ?? Promise.reject(new Error('asked too often')),
    });
    const unsubscribe = observer.subscribe(() => undefined);
    expect(calls).toBe(1);

    const refreshed = refreshAfterChange(queryClient, ['list']);
    answers[0]?.resolve('before the change');
    answers[1]?.resolve('after the change');
    await refreshed;
    expect(calls).toBe(2);
    expect(queryClient.getQueryData(['list', 1])).toBe('after the change');
    unsubscribe();
    queryClient.clear();
  });
});
