import ky, { isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import { ApiErrorBody } from '../../../shared/api/common';
import { apiBaseOf } from '../../../shared/shop-address';
import { CallCancelledError, ShopRefusedError, ShopResponseInvalidError, ShopUnreachableError } from '../errors';

/**
 * One request to the Assistance API and what its answer means: transport failures become
 * ShopUnreachableError (or CallCancelledError once the caller's signal fired), refusals
 * ShopRefusedError with the shop's code, answers outside the contract ShopResponseInvalidError.
 * An expired access token gets exactly one refresh and one retry, never a loop.
 */

/** Where the client gets its bearer token, and how it asks for a fresh one after `token_expired`. */
export interface TokenSource {
  accessToken(): string | null;
  /** Resolves true when a new access token is in place; false when the sign-in is gone. */
  refreshAccessToken(): Promise<boolean>;
}

export interface ApiClientOptions {
  /** The shop's address, e.g. `http://127.0.0.1:4310` or `https://medusa.example/concierge`; the client adds `/api/v1`. */
  shopUrl: string;
  tokens?: TokenSource;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Method = 'get' | 'post' | 'put';

export interface RequestSpec {
  method: Method;
  path: string;
  json?: unknown;
  searchParams?: Record<string, string | number | undefined>;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal | undefined;
}

/** The requests every endpoint is made of, over one shop and one token source. */
export interface ShopRequests {
  /** The answer's body, validated against `schema`. */
  call: <T>(spec: RequestSpec, schema: z.ZodType<T>) => Promise<T>;
  /** A call whose answer carries nothing to read; resolves once the shop has accepted it. */
  send: (spec: RequestSpec) => Promise<void>;
  /**
   * A JSON response's bytes, unparsed and unchecked: for a caller that hands them to another
   * thread to parse and validate (a transferred buffer costs this thread nothing).
   */
  bytes: (spec: RequestSpec) => Promise<ArrayBuffer>;
}

const describeCall = (spec: RequestSpec) => `${spec.method.toUpperCase()} /${spec.path}`;

/** The shop's refusal with its own code and message, or the HTTP status when the body is not the API's. */
async function refusal(response: Response): Promise<ShopRefusedError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status alone must explain it.
  }
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success) {
    const { code, message, fields } = parsed.data.error;
    return new ShopRefusedError(response.status, code, message, fields);
  }
  return new ShopRefusedError(response.status, `http_${response.status}`, `The shop answered HTTP ${response.status}.`);
}

function definedParams(params: RequestSpec['searchParams']): Record<string, string | number> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined));
}

export function createShopRequests(options: ApiClientOptions): ShopRequests {
  const http: KyInstance = ky.create({
    prefix: apiBaseOf(options.shopUrl),
    retry: 0,
    timeout: options.timeoutMs ?? 15_000,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function attempt(spec: RequestSpec, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.auth !== false && token) headers.authorization = `Bearer ${token}`;
    const searchParams = definedParams(spec.searchParams);
    try {
      return await http(spec.path, {
        method: spec.method,
        headers,
        ...(spec.json !== undefined ? { json: spec.json } : {}),
        ...(searchParams ? { searchParams } : {}),
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
    } catch (error) {
      if (spec.signal?.aborted) throw new CallCancelledError();
      if (isTimeoutError(error))
        throw new ShopUnreachableError(`The shop at ${options.shopUrl} did not answer in time.`, 'shop_timeout');
      if (isNetworkError(error) || error instanceof TypeError)
        throw new ShopUnreachableError(`The shop at ${options.shopUrl} cannot be reached.`);
      throw error;
    }
  }

  /** The shop's answer to a call that succeeded, after one refresh and retry on an expired token. */
  async function succeeded(spec: RequestSpec): Promise<Response> {
    if (spec.signal?.aborted) throw new CallCancelledError();
    const tokens = spec.auth === false ? undefined : options.tokens;
    let response = await attempt(spec, tokens?.accessToken() ?? null);
    if (response.status === 401 && tokens) {
      const error = await refusal(response);
      if (error.code !== 'token_expired') throw error;
      if (!(await tokens.refreshAccessToken())) throw error;
      response = await attempt(spec, tokens.accessToken());
    }
    if (!response.ok) throw await refusal(response);
    return response;
  }

  async function call<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    const response = await succeeded(spec);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (spec.signal?.aborted) throw new CallCancelledError();
      throw new ShopResponseInvalidError(`The shop's answer to ${describeCall(spec)} was not JSON.`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ShopResponseInvalidError(
        `The shop's answer to ${describeCall(spec)} does not match the Assistance API: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      );
    }
    if (parsed.data === null) throw new ShopResponseInvalidError(`The shop sent no body for /${spec.path}.`);
    return parsed.data;
  }

  async function bytes(spec: RequestSpec): Promise<ArrayBuffer> {
    const response = await succeeded(spec);
    if (!/^application\/json\b/i.test(response.headers.get('content-type') ?? '')) {
      throw new ShopResponseInvalidError(`The shop's answer to ${describeCall(spec)} was not JSON.`);
    }
    try {
      return await response.arrayBuffer();
    } catch {
      throw new ShopUnreachableError(`The connection to the shop at ${options.shopUrl} broke during an answer.`);
    }
  }

  return {
    call,
    send: async (spec) => {
      await succeeded(spec);
    },
    bytes,
  };
}
