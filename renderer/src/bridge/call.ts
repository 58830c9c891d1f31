import type { ConsoleBridge, IpcArgs, IpcChannel, IpcResponse, IpcValue } from '../../../shared/ipc/contract';
import { BridgeError } from './errors';

/** Calls one contract channel and returns its value, or throws a BridgeError the screens can explain. */
export async function call<C extends IpcChannel>(bridge: ConsoleBridge, channel: C, args: IpcArgs<C>): Promise<IpcValue<C>> {
  // The mapped bridge type cannot be indexed generically without widening; the cast keeps C tied.
  const fn = bridge[channel] as unknown as (a: IpcArgs<C>) => Promise<IpcResponse<C>>;
  const response = await fn(args);
  if (response.ok) return response.value;
  throw new BridgeError(response.error);
}
