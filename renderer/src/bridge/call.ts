import type {
  ConsoleBridge,
  IpcArgs,
  IpcCallOptions,
  IpcChannel,
  IpcResponse,
  IpcValue,
} from '../../../shared/ipc/contract';
import { BridgeError } from './errors';

/**
 * Calls one contract channel and returns its value, or throws a BridgeError the screens can explain.
 * With a `signal` (react-query passes one to every query), an abort rejects at once with the
 * signal's reason: a superseded query stops waiting (and, over HTTP, its request is aborted), so
 * its answer never reaches the cache.
 */
export async function call<C extends IpcChannel>(
  bridge: ConsoleBridge,
  channel: C,
  args: IpcArgs<C>,
  options: IpcCallOptions = {},
): Promise<IpcValue<C>> {
  // The mapped bridge type cannot be indexed generically without widening; the cast keeps C tied.
  const fn = bridge[channel] as unknown as (a: IpcArgs<C>, o?: IpcCallOptions) => Promise<IpcResponse<C>>;
  const { signal } = options;
  signal?.throwIfAborted();
  const response = await (signal ? untilAborted(fn(args, { signal }), signal) : fn(args));
  if (response.ok) return response.value;
  throw new BridgeError(response.error);
}

/** `pending`, unless `signal` aborts first: then the signal's reason. */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
