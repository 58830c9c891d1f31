import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, isIpcChannel, type IpcHandlers } from '../core/ipc-handlers';
import { readJson, refuse, sendJson } from './http-answers';

/**
 * `POST /ipc/<channel>`: one contract call, answered 200 with its `IpcResponse` whenever it reached
 * the handlers; transport failures (method, channel, body) are refused before.
 */
export async function answerIpcCall(
  req: IncomingMessage,
  res: ServerResponse,
  channel: string,
  handlers: IpcHandlers,
): Promise<void> {
  if (req.method !== 'POST') {
    refuse(res, 405, 'method_not_allowed', 'Use POST.');
    return;
  }
  if (!isIpcChannel(channel)) {
    refuse(res, 404, 'unknown_channel', `There is no call named ${channel}.`);
    return;
  }
  const args = await readJson(req, res);
  if (args === undefined) return;
  // A page that aborts its request (search as you type, superseded by the next key) closes the
  // connection before the answer: abort the call, and with it the core's request to the shop.
  const cancel = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) cancel.abort();
  };
  res.once('close', onClose);
  const response = await dispatch(handlers, channel, args, { signal: cancel.signal });
  res.off('close', onClose);
  if (cancel.signal.aborted || res.destroyed) return;
  sendJson(res, 200, response);
}
