import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import type {
  ConsoleBridge,
  IpcArgs,
  IpcChannel,
  IpcEventName,
  IpcEventPayload,
  IpcValue,
} from '../../../shared/ipc/contract';
import type { ConsoleHost } from './index';
import { call } from './call';

const HostContext = createContext<ConsoleHost | null>(null);

export function HostProvider({ host, children }: { host: ConsoleHost; children: ReactNode }) {
  return <HostContext.Provider value={host}>{children}</HostContext.Provider>;
}

export function useHost(): ConsoleHost {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost needs a HostProvider');
  return host;
}

export function useBridge(): ConsoleBridge {
  return useHost().bridge;
}

export function useIpcMutation<C extends IpcChannel>(
  channel: C,
  options?: Omit<UseMutationOptions<IpcValue<C>, Error, IpcArgs<C>>, 'mutationFn'>,
) {
  const bridge = useBridge();
  return useMutation({ mutationFn: (args: IpcArgs<C>) => call(bridge, channel, args), ...options });
}

/** Subscribes to one of main's events for the component's lifetime; the latest listener is always used. */
export function useIpcEvent<E extends IpcEventName>(event: E, listener: (payload: IpcEventPayload<E>) => void): void {
  const bridge = useBridge();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(
    () =>
      bridge.on(event, (payload) => {
        latest.current(payload);
      }),
    [bridge, event],
  );
}
