import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Asks again for every query under `queryKey` because what it reads has changed. Queries still
 * on their way are cancelled first: react-query would otherwise let a first fetch (one with no
 * data yet) stand, and its answer may have been read before the change.
 */
export async function refreshAfterChange(queryClient: QueryClient, queryKey: QueryKey): Promise<void> {
  await queryClient.cancelQueries({ queryKey });
  await queryClient.invalidateQueries({ queryKey });
}
