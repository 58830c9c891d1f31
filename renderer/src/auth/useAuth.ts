import { createContext, useContext } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Permission, Staff } from '../../../shared/api/auth';
import type { AuthState } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent } from '../bridge/context';
import { authQueries } from '../state/queries';

/** main's sign-in state; kept current by its `auth.changed` event (sign-out, expiry, restore). */
export function useAuthState() {
  const bridge = useBridge();
  const query = authQueries.state(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('auth.changed', (state) => {
    queryClient.setQueryData(query.queryKey, state);
  });
  return useQuery(query);
}

export function useSetAuthState(): (state: AuthState) => void {
  const bridge = useBridge();
  const { queryKey } = authQueries.state(bridge);
  const queryClient = useQueryClient();
  return (state) => {
    queryClient.setQueryData(queryKey, state);
  };
}

export const StaffContext = createContext<Staff | null>(null);

export function useStaff(): Staff {
  const staff = useContext(StaffContext);
  if (!staff) throw new Error('useStaff is only available once signed in');
  return staff;
}

/** What the UI offers; the shop checks every request anyway. */
export function useCan(permission: Permission): boolean {
  return useStaff().permissions.includes(permission);
}
