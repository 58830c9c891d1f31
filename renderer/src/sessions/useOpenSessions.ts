import { useQueryClient } from '@tanstack/react-query';
import type { OpenSession } from '../../../shared/ipc/contract';
import { ipcKey, useIpcEvent, useIpcQuery } from '../bridge/context';

export interface OpenSessions {
  sessions: readonly OpenSession[];
  /** When main's last list arrived; countdowns run from here. */
  receivedAt: number;
  error: Error | null;
}

/** The sessions open in this console, kept current by main's `sessions.changed` event. */
export function useOpenSessions(): OpenSessions {
  const queryClient = useQueryClient();
  useIpcEvent('sessions.changed', (sessions) => {
    queryClient.setQueryData(ipcKey('sessions.open', {}), sessions);
  });
  const query = useIpcQuery('sessions.open', {}, { staleTime: Infinity });
  return { sessions: query.data ?? [], receivedAt: query.dataUpdatedAt, error: query.error };
}

export function useSetOpenSession(): (session: OpenSession) => void {
  const queryClient = useQueryClient();
  return (session) => {
    queryClient.setQueryData<OpenSession[]>(ipcKey('sessions.open', {}), (list = []) => {
      const rest = list.filter((s) => s.session.id !== session.session.id);
      return [...rest, session];
    });
  };
}
