import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { IpcChannel, IpcValue } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent, useIpcMutation } from '../bridge/context';
import { auditQueries } from '../state/queries';

/** main's audit mirror status, kept current by its `audit.status` event. */
export function useAuditStatus() {
  const bridge = useBridge();
  const query = auditQueries.status(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('audit.status', (status) => {
    queryClient.setQueryData(query.queryKey, status);
  });
  return useQuery(query);
}

/** The audit calls that answer with the mirror's status ("Sync now", "Verify again", "Trust key"): the answer is the status shown. */
type StatusCall = {
  [C in IpcChannel]: IpcValue<C> extends IpcValue<'audit.status'> ? C : never;
}[IpcChannel];

export function useAuditStatusCall<C extends StatusCall>(channel: C) {
  const bridge = useBridge();
  const { queryKey } = auditQueries.status(bridge);
  const queryClient = useQueryClient();
  return useIpcMutation(channel, {
    onSuccess: (value) => {
      queryClient.setQueryData(queryKey, value);
    },
  });
}
