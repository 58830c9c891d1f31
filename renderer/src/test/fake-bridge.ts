import type {
  ConsoleBridge,
  IpcArgs,
  IpcCallOptions,
  IpcChannel,
  IpcError,
  IpcEventName,
  IpcEventPayload,
  IpcResponse,
  IpcValue,
} from '../../../shared/ipc/contract';
import { IPC_CHANNELS } from '../../../shared/ipc/contract';

/**
 * A test double of the preload bridge for component tests: each channel answers from a handler the
 * test gives; a handler throws `refusal(...)` to answer `{ok:false}`; channels without a handler
 * answer `not_programmed`, so a screen calling something unexpected shows up as a failure.
 */
export type Handlers = { [C in IpcChannel]?: (args: IpcArgs<C>) => IpcValue<C> | Promise<IpcValue<C>> };

export class Refusal extends Error {
  constructor(readonly error: IpcError) {
    super(error.message);
  }
}

export function refusal(
  code: string,
  message = code,
  kind: IpcError['kind'] = 'shop',
  fields?: IpcError['fields'],
): Refusal {
  return new Refusal({ kind, code, message, ...(fields ? { fields } : {}) });
}

export interface FakeBridge {
  bridge: ConsoleBridge;
  /** Every call, with the AbortSignal the caller passed (react-query's, for queries). */
  calls: { channel: IpcChannel; args: unknown; signal: AbortSignal | undefined }[];
  callsTo: <C extends IpcChannel>(channel: C) => IpcArgs<C>[];
  emit: <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => void;
  handlers: Handlers;
}

export function createFakeBridge(handlers: Handlers): FakeBridge {
  const calls: FakeBridge['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  async function answer(
    channel: IpcChannel,
    args: unknown,
    options?: IpcCallOptions,
  ): Promise<IpcResponse<IpcChannel>> {
    calls.push({ channel, args, signal: options?.signal });
    const handler = handlers[channel] as ((a: unknown) => unknown) | undefined;
    if (!handler)
      return {
        ok: false,
        error: { kind: 'internal', code: 'not_programmed', message: `no test handler for ${channel}` },
      };
    try {
      const value = await handler(args);
      return { ok: true, value } as IpcResponse<IpcChannel>;
    } catch (error) {
      if (error instanceof Refusal) return { ok: false, error: error.error };
      throw error;
    }
  }

  const on = (event: IpcEventName, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
  const bridge = Object.fromEntries([
    ...IPC_CHANNELS.map((c) => [c, (args: unknown, options?: IpcCallOptions) => answer(c, args, options)]),
    ['on', on],
  ]) as unknown as ConsoleBridge;

  return {
    bridge,
    calls,
    handlers,
    callsTo: <C extends IpcChannel>(channel: C) =>
      calls.filter((c) => c.channel === channel).map((c) => c.args as IpcArgs<C>),
    emit: (event, payload) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

/** A promise the test resolves when it chooses, to order answers. */
export function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
