import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent } from '../bridge/context';
import { sessionQueries, shopQueries } from '../state/queries';
import { refreshAfterChange } from '../state/refresh';

export interface OpenSessions {
  sessions: readonly OpenSession[];
  /** When main's last list arrived; countdowns run from here. */
  receivedAt: number;
  error: Error | null;
}

/** A session started or ended between two lists: the shop's session lists (a customer's "Assisted sessions") are out of date. */
export function startedOrEnded(before: readonly OpenSession[], after: readonly OpenSession[]): boolean {
  const was = new Map(before.map((s) => [s.session.id, s.state]));
  return after.some((s) => !was.has(s.session.id) || (s.state === 'ended' && was.get(s.session.id) !== 'ended'));
}

function refreshShopLists(queryClient: QueryClient, before: readonly OpenSession[], after: readonly OpenSession[]) {
  if (startedOrEnded(before, after)) void refreshAfterChange(queryClient, shopQueries.allSessions);
}

/** The sessions open in this console, kept current by main's `sessions.changed` event. */
export function useOpenSessions(): OpenSessions {
  const bridge = useBridge();
  const open = sessionQueries.open(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('sessions.changed', (sessions) => {
    const before = queryClient.getQueryData(open.queryKey) ?? [];
    queryClient.setQueryData(open.queryKey, sessions);
    refreshShopLists(queryClient, before, sessions);
  });
  const query = useQuery(open);
  return { sessions: query.data ?? [], receivedAt: query.dataUpdatedAt, error: query.error };
}

/** Puts main's answer about one session in the list, in its place (a new one goes last). */
export function useSetOpenSession(): (session: OpenSession) => void {
  const bridge = useBridge();
  const { queryKey } = sessionQueries.open(bridge);
  const queryClient = useQueryClient();
  return (session) => {
    const before = queryClient.getQueryData(queryKey) ?? [];
    const found = before.some((s) => s.session.id === session.session.id);
    const after = found ? before.map((s) => (s.session.id === session.session.id ? session : s)) : [...before, session];
    queryClient.setQueryData(queryKey, after);
    refreshShopLists(queryClient, before, after);
  };
}
