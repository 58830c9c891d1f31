import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent } from '../bridge/context';
import { sessionQueries } from '../state/queries';

export interface OpenSessions {
  sessions: readonly OpenSession[];
  /** When main's last list arrived; countdowns run from here. */
  receivedAt: number;
  error: Error | null;
}

/** The sessions open in this console, kept current by main's `sessions.changed` event. */
export function useOpenSessions(): OpenSessions {
  const bridge = useBridge();
  const open = sessionQueries.open(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('sessions.changed', (sessions) => {
    queryClient.setQueryData(open.queryKey, sessions);
  });
  const query = useQuery(open);
  return { sessions: query.data ?? [], receivedAt: query.dataUpdatedAt, error: query.error };
}

export function useSetOpenSession(): (session: OpenSession) => void {
  const bridge = useBridge();
  const { queryKey } = sessionQueries.open(bridge);
  const queryClient = useQueryClient();
  return (session) => {
    queryClient.setQueryData(queryKey, (list = []) => {
      const rest = list.filter((s) => s.session.id !== session.session.id);
      return [...rest, session];
    });
  };
}
