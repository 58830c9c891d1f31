import { z } from 'zod';
import {
  AuditExportResult,
  IPC_CHANNELS,
  IpcError,
  type AuditExportDelivery,
  type ConsoleBridge,
  type IpcCallOptions,
} from '../../../shared/ipc/contract';
import { createLinkState, type ConsoleLinkWatch } from './console-link';
import { createEventStream } from './event-stream';

/**
 * ConsoleBridge over the browser tier's HTTP carriage of the IPC contract:
 * `POST {base}/ipc/<channel>` with JSON args and `x-concierge-token` → IpcResponse JSON, and main's
 * events as Server-Sent Events at `GET {base}/ipc/events?token=` (`event: <name>`, JSON data).
 * A call's `signal` aborts its request; the server then cancels the call (and its shop request),
 * and the call answers `{ok:false, error:{code:'cancelled'}}` without waiting. An `audit.export`
 * answered with a download is fetched (`GET {base}/exports/<id>`) and handed to the browser.
 * `link` tells the page when the console stopped, restarted or changed its token.
 */
export interface HttpBridgeOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
  /** Gives a downloaded export to the browser (default: a click on an <a download> of a blob URL). */
  saveFile?: (file: Blob, fileName: string) => void;
  /** After the event stream drops, how long until asking again whether the console is back. */
  retryMs?: number;
}

export type HttpBridge = ConsoleBridge & { readonly link: ConsoleLinkWatch };

/** The browser saves the file as it saves any download (its folder, its prompt if so set). */
function saveWithAnchor(file: Blob, fileName: string): void {
  const url = URL.createObjectURL(file);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has its own copy once started; the page's copy can go after a while.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

function failure(kind: IpcError['kind'], code: string, message: string) {
  return { ok: false as const, error: { kind, code, message } };
}

const TransportError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The IpcResponse in a 200 answer; a transport refusal (bad token, unknown call…) otherwise. */
function envelope(status: number, body: unknown): { ok: true; value: unknown } | { ok: false; error: IpcError } {
  if (status === 200 && typeof body === 'object' && body !== null && 'ok' in body) {
    if (body.ok === true && 'value' in body) return { ok: true, value: body.value };
    if (body.ok === false && 'error' in body) {
      const error = IpcError.safeParse(body.error);
      if (error.success) return { ok: false, error: error.data };
    }
  }
  const transport = TransportError.safeParse(body);
  if (status !== 200 && transport.success)
    return failure(status === 401 ? 'auth' : 'internal', transport.data.error.code, transport.data.error.message);
  return failure('internal', 'bad_response', `The console service sent an answer it could not read (HTTP ${status}).`);
}

export function createHttpBridge(options: HttpBridgeOptions): HttpBridge {
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const saveFile = options.saveFile ?? saveWithAnchor;
  const link = createLinkState();

  /** A refused token means the console restarted with a new one: the link says so. */
  function refused<T extends { ok: boolean; error?: IpcError }>(response: T): T {
    if (!response.ok && response.error?.code === 'bad_token') link.refused();
    return response;
  }

  async function invoke(channel: string, args: unknown, callOptions?: IpcCallOptions) {
    const signal = callOptions?.signal;
    const cancelled = () => failure('internal', 'cancelled', 'The request was cancelled.');
    if (signal?.aborted) return cancelled();
    let response: Response;
    try {
      response = await doFetch(`${base}/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': options.token },
        body: JSON.stringify(args),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) return cancelled();
      return failure('network', 'console_unreachable', error instanceof Error ? error.message : 'request failed');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal?.aborted) return cancelled();
      return failure(
        'internal',
        'bad_response',
        `The console service answered ${response.status} without a readable body.`,
      );
    }
    return refused(envelope(response.status, body));
  }

  /** The browser tier hands an export over as a one-time download: fetch it and give it to the browser. */
  async function downloadExport(delivery: AuditExportDelivery): Promise<{ ok: false; error: IpcError } | null> {
    if (delivery.kind !== 'download') return null;
    let response: Response;
    try {
      response = await doFetch(`${base}/exports/${encodeURIComponent(delivery.downloadId)}`, {
        headers: { 'x-concierge-token': options.token },
      });
    } catch (error) {
      return failure('network', 'console_unreachable', error instanceof Error ? error.message : 'request failed');
    }
    if (response.status !== 200) {
      const refusal = refused(envelope(response.status, await response.json().catch(() => null)));
      return refusal.ok ? failure('internal', 'bad_response', 'The export download failed.') : refusal;
    }
    saveFile(await response.blob(), delivery.fileName);
    return null;
  }

  async function exportAudit(args: unknown, callOptions?: IpcCallOptions) {
    const answer = await invoke('audit.export', args, callOptions);
    if (!answer.ok) return answer;
    const result = AuditExportResult.safeParse(answer.value);
    if (!result.success)
      return failure('internal', 'bad_response', 'The console service sent an export answer it could not read.');
    const problem = result.data.delivery ? await downloadExport(result.data.delivery) : null;
    return problem ?? answer;
  }

  const events = createEventStream({
    base,
    token: options.token,
    fetch: doFetch,
    createEventSource: options.createEventSource ?? ((url: string) => new EventSource(url)),
    link,
    retryMs: options.retryMs ?? 2000,
  });

  const calls = Object.fromEntries(
    IPC_CHANNELS.map((channel) => [
      channel,
      (args: unknown, callOptions?: IpcCallOptions) => invoke(channel, args, callOptions),
    ]),
  );
  // Every channel maps to the same generic carrier; the contract's types are restored here once.
  return Object.freeze({
    ...calls,
    'audit.export': exportAudit,
    on: events.on,
    link: events.link,
  }) as unknown as HttpBridge;
}
