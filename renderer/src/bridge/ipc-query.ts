import { queryOptions } from '@tanstack/react-query';
import type { ConsoleBridge, IpcArgs, IpcChannel } from '../../../shared/ipc/contract';
import { call } from './call';

/**
 * The react-query options of a query over one channel: the key `[channel, args]`, tagged with the
 * channel's value type so getQueryData and setQueryData on it are typed, and the fetch. Its
 * AbortSignal goes to the bridge, so react-query cancels a fetch no screen waits for any more (a
 * search the agent has typed past; a screen left while loading): the answer never reaches the
 * cache, and in the browser tier the request is aborted.
 */
export function ipcQuery<C extends IpcChannel>(bridge: ConsoleBridge, channel: C, args: IpcArgs<C>) {
  return queryOptions({
    queryKey: [channel, args] as const,
    queryFn: ({ signal }) => call(bridge, channel, args, { signal }),
  });
}

/** The key prefix of every query over a channel, whatever its arguments (for invalidateQueries, getQueriesData). */
export function channelKey<C extends IpcChannel>(channel: C): readonly [C] {
  return [channel];
}
