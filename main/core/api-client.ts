import ky, { isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import { z } from 'zod';
import { LoginResponse, Staff, StepUpResponse, TokenResponse, type StepUpRequest } from '../../shared/api/auth';
import { ApiErrorBody } from '../../shared/api/common';
import {
  AssistSession,
  CreateSessionResponse,
  HeartbeatResponse,
  SessionListResponse,
  type CreateSessionRequest,
  type EndSessionRequest,
  type SessionListQuery,
} from '../../shared/api/sessions';
import { AssistPolicy, Settings } from '../../shared/api/settings';
import {
  Customer,
  CustomerSearchResponse,
  DocumentsResponse,
  Store,
  type CustomerSearchQuery,
  type DocumentType,
} from '../../shared/api/shop';
import { CallCancelledError, ShopRefusedError, ShopResponseInvalidError, ShopUnreachableError } from './errors';

/**
 * The Assistance API as typed calls. Every response is validated against the shared zod
 * schemas; failures become ShopUnreachableError / ShopRefusedError / ShopResponseInvalidError.
 * An expired access token gets exactly one refresh and one retry, never a loop. Reads take an
 * AbortSignal: once it fires the request to the shop is aborted and the call rejects with
 * CallCancelledError (search as you type cancels the answer nobody waits for any more).
 */

/** Where the client gets its bearer token, and how it asks for a fresh one after `token_expired`. */
export interface TokenSource {
  accessToken(): string | null;
  /** Resolves true when a new access token is in place; false when the sign-in is gone. */
  refreshAccessToken(): Promise<boolean>;
}

export interface ApiClientOptions {
  /** The shop origin, e.g. `http://127.0.0.1:4310`; the client adds `/api/v1`. */
  shopUrl: string;
  tokens?: TokenSource;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Method = 'get' | 'post' | 'put';

/** For reads: `signal` aborts the request to the shop (the call then rejects with CallCancelledError). */
export interface ReadOptions {
  signal?: AbortSignal | undefined;
}

interface RequestSpec {
  method: Method;
  path: string;
  json?: unknown;
  searchParams?: Record<string, string | number | undefined>;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal | undefined;
}

const EmptyOrSession = z.union([HeartbeatResponse.transform((r) => r.session), AssistSession]);

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const base = `${new URL(options.shopUrl).origin}/api/v1/`;
  const http: KyInstance = ky.create({
    prefix: base,
    retry: 0,
    timeout: options.timeoutMs ?? 15_000,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function send(spec: RequestSpec, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.auth !== false && token) headers.authorization = `Bearer ${token}`;
    const searchParams = spec.searchParams
      ? Object.fromEntries(
          Object.entries(spec.searchParams).filter((e): e is [string, string | number] => e[1] !== undefined),
        )
      : undefined;
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
    return new ShopRefusedError(
      response.status,
      `http_${response.status}`,
      `The shop answered HTTP ${response.status}.`,
    );
  }

  /** The shop's answer to a call that succeeded, after one refresh and retry on an expired token. */
  async function succeeded(spec: RequestSpec): Promise<Response> {
    if (spec.signal?.aborted) throw new CallCancelledError();
    const tokens = spec.auth === false ? undefined : options.tokens;
    let response = await send(spec, tokens?.accessToken() ?? null);
    if (response.status === 401 && tokens) {
      const error = await refusal(response);
      if (error.code !== 'token_expired') throw error;
      if (!(await tokens.refreshAccessToken())) throw error;
      response = await send(spec, tokens.accessToken());
    }
    if (!response.ok) throw await refusal(response);
    return response;
  }

  async function request<T>(spec: RequestSpec, schema: z.ZodType<T> | null): Promise<T | null> {
    const response = await succeeded(spec);
    if (schema === null) return null;
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (spec.signal?.aborted) throw new CallCancelledError();
      throw new ShopResponseInvalidError(
        `The shop's answer to ${spec.method.toUpperCase()} /${spec.path} was not JSON.`,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ShopResponseInvalidError(
        `The shop's answer to ${spec.method.toUpperCase()} /${spec.path} does not match the Assistance API: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      );
    }
    return parsed.data;
  }

  /**
   * A JSON response's bytes, unparsed and unchecked: for a caller that hands them to another
   * thread to parse and validate (a transferred buffer costs this thread nothing; a parsed
   * object would be parsed here and copied again on the way).
   */
  async function bytes(spec: RequestSpec): Promise<ArrayBuffer> {
    const response = await succeeded(spec);
    if (!/^application\/json\b/i.test(response.headers.get('content-type') ?? '')) {
      throw new ShopResponseInvalidError(
        `The shop's answer to ${spec.method.toUpperCase()} /${spec.path} was not JSON.`,
      );
    }
    try {
      return await response.arrayBuffer();
    } catch {
      throw new ShopUnreachableError(`The connection to the shop at ${options.shopUrl} broke during an answer.`);
    }
  }

  async function call<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    const value = await request(spec, schema);
    if (value === null) throw new ShopResponseInvalidError(`The shop sent no body for /${spec.path}.`);
    return value;
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    shopUrl: options.shopUrl,
    login: (email: string, password: string) =>
      call({ method: 'post', path: 'auth/login', json: { email, password }, auth: false }, LoginResponse),
    verifyMfa: (mfaToken: string, code: string) =>
      call({ method: 'post', path: 'auth/mfa', json: { mfaToken, code }, auth: false }, TokenResponse),
    refresh: (refreshToken: string) =>
      call({ method: 'post', path: 'auth/refresh', json: { refreshToken }, auth: false }, TokenResponse),
    // No body: ends this console's sign-in and the sessions it started, never the staff member's others.
    logout: async (): Promise<void> => {
      await request({ method: 'post', path: 'auth/logout' }, null);
    },
    me: () => call({ method: 'get', path: 'me' }, Staff),
    stepUp: (body: StepUpRequest) => call({ method: 'post', path: 'auth/step-up', json: body }, StepUpResponse),

    stores: (read: ReadOptions = {}) => call({ method: 'get', path: 'stores', signal: read.signal }, z.array(Store)),
    searchCustomers: (query: Partial<CustomerSearchQuery>, read: ReadOptions = {}) =>
      call(
        {
          method: 'get',
          path: 'customers',
          searchParams: {
            q: query.q,
            storeId: query.storeId,
            consent: query.consent,
            limit: query.limit,
            cursor: query.cursor,
          },
          signal: read.signal,
        },
        CustomerSearchResponse,
      ),
    customer: (customerId: string, read: ReadOptions = {}) =>
      call({ method: 'get', path: `customers/${id(customerId)}`, signal: read.signal }, Customer),
    documents: (customerId: string, type?: DocumentType, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: `customers/${id(customerId)}/documents`, searchParams: { type }, signal: read.signal },
        DocumentsResponse,
      ),
    settings: () => call({ method: 'get', path: 'settings' }, Settings),
    saveSettings: (settings: Settings) => call({ method: 'put', path: 'settings', json: settings }, Settings),
    assistPolicy: () => call({ method: 'get', path: 'assist-policy' }, AssistPolicy),

    createSession: (body: CreateSessionRequest) =>
      call({ method: 'post', path: 'assist-sessions', json: body }, CreateSessionResponse),
    listSessions: (query: Partial<SessionListQuery>) =>
      call(
        {
          method: 'get',
          path: 'assist-sessions',
          searchParams: {
            status: query.status,
            customerId: query.customerId,
            staffId: query.staffId,
            limit: query.limit,
          },
        },
        SessionListResponse,
      ),
    session: (sessionId: string) => call({ method: 'get', path: `assist-sessions/${id(sessionId)}` }, EmptyOrSession),
    /** Agent activity: moves the idle deadline and renews the console lease. */
    heartbeat: (sessionId: string) =>
      call({ method: 'post', path: `assist-sessions/${id(sessionId)}/heartbeat`, json: {} }, EmptyOrSession),
    /** The console is still there: renews the console lease only (`activity: false`). */
    renewLease: (sessionId: string) =>
      call(
        { method: 'post', path: `assist-sessions/${id(sessionId)}/heartbeat`, json: { activity: false } },
        EmptyOrSession,
      ),
    endSession: (sessionId: string, body: EndSessionRequest) =>
      call({ method: 'post', path: `assist-sessions/${id(sessionId)}/end`, json: body }, EmptyOrSession),

    // The page's JSON bytes, unparsed on purpose: the audit mirror's verifier thread parses and
    // validates every page against AuditPage, which keeps parsing and copying 1,000 events per
    // page off the main thread during a long sync.
    auditEvents: (after: number, limit: number, read: ReadOptions = {}): Promise<ArrayBuffer> =>
      bytes({ method: 'get', path: 'audit/events', searchParams: { after, limit }, signal: read.signal }),
  };
}
