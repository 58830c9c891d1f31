import { useQuery } from '@tanstack/react-query';
import type { Customer, Store } from '../../../shared/api/shop';
import { useBridge } from '../bridge/context';
import { shopQueries } from '../state/queries';
import { latestActivity, type LatestActivity } from './start-rules';

/**
 * The customer's most recent activity (newest document or assisted session), for the start
 * dialog's automatic store choice. `settled` once both lists answered or failed: a list the role
 * cannot read only means the choice falls back to the first account.
 */
export function useLatestActivity(
  customerId: string,
  customer: Customer | undefined,
  stores: readonly Store[],
  enabled: boolean,
): { settled: boolean; latest: LatestActivity | null } {
  const bridge = useBridge();
  const documents = useQuery({ ...shopQueries.recentDocuments(bridge, customerId), enabled });
  const sessions = useQuery({ ...shopQueries.sessions(bridge, { customerId }), enabled });
  if (!enabled) return { settled: true, latest: null };
  const settled = !documents.isPending && !sessions.isPending;
  if (!settled || !customer) return { settled, latest: null };
  return {
    settled,
    latest: latestActivity(customer, stores, documents.data?.items ?? [], sessions.data?.items ?? []),
  };
}
