import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useMutation, useQuery, type UseMutationOptions, type UseQueryOptions } from '@tanstack/react-query';
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

type QueryOptions<C extends IpcChannel> = Omit<
  UseQueryOptions<IpcValue<C>, Error, IpcValue<C>>,
  'queryKey' | 'queryFn'
>;

/** The query key every screen uses for a channel, so events and mutations can update the same cache entry. */
export function ipcKey<C extends IpcChannel>(channel: C, args?: IpcArgs<C>): readonly unknown[] {
  return args === undefined ? [channel] : [channel, args];
}

/**
 * The key and fetch of a query over one channel (for useQuery, useQueries). Its AbortSignal goes
 * to the bridge, so react-query cancels a fetch no screen waits for any more (a search the agent
 * has typed past; a screen left while loading): the answer never reaches the cache, and in the
 * browser tier the request is aborted.
 */
export function ipcQuery<C extends IpcChannel>(bridge: ConsoleBridge, channel: C, args: IpcArgs<C>) {
  return {
    queryKey: ipcKey(channel, args),
    queryFn: ({ signal }: { signal: AbortSignal }) => call(bridge, channel, args, { signal }),
  };
}

/** A query over one channel (see ipcQuery). */
export function useIpcQuery<C extends IpcChannel>(channel: C, args: IpcArgs<C>, options?: QueryOptions<C>) {
  const bridge = useBridge();
  return useQuery({ ...ipcQuery(bridge, channel, args), ...options });
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
