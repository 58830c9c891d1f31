import { createContext, useContext } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Permission, Staff } from '../../../shared/api/auth';
import type { AuthState } from '../../../shared/ipc/contract';
import { ipcKey, useIpcEvent, useIpcQuery } from '../bridge/context';

/** main's sign-in state; kept current by its `auth.changed` event (sign-out, expiry, restore). */
export function useAuthState() {
  const queryClient = useQueryClient();
  useIpcEvent('auth.changed', (state) => {
    queryClient.setQueryData(ipcKey('auth.state', {}), state);
  });
  return useIpcQuery('auth.state', {}, { staleTime: Infinity, retry: false });
}

export function useSetAuthState(): (state: AuthState) => void {
  const queryClient = useQueryClient();
  return (state) => {
    queryClient.setQueryData(ipcKey('auth.state', {}), state);
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
