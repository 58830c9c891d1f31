import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LiveUpdatesState } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent } from '../bridge/context';
import { liveQueries } from '../state/queries';

/** Whether the shop tells this console of changes as they happen (`live`), or it polls meanwhile. */
export function useLiveUpdates(): LiveUpdatesState | undefined {
  const bridge = useBridge();
  const query = liveQueries.state(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('live.state', (state) => {
    queryClient.setQueryData(query.queryKey, state);
  });
  return useQuery(query).data;
}
