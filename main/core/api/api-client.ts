import { auditCalls, sessionCalls, settingsCalls, shopDataCalls, staffAuthCalls } from './api-endpoints';
import { createShopRequests, type ApiClientOptions } from './api-requests';

/**
 * The Assistance API as typed calls. Every response is validated against the shared zod
 * schemas; failures become ShopUnreachableError / ShopRefusedError / ShopResponseInvalidError.
 * An expired access token gets exactly one refresh and one retry, never a loop. Reads take an
 * AbortSignal: once it fires the request to the shop is aborted and the call rejects with
 * CallCancelledError (search as you type cancels the answer nobody waits for any more).
 * What a request and its answer mean lives in api-requests.ts; the endpoints, by area, in api-endpoints.ts.
 */

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const requests = createShopRequests(options);
  return {
    shopUrl: options.shopUrl,
    ...staffAuthCalls(requests),
    ...shopDataCalls(requests),
    ...settingsCalls(requests),
    ...sessionCalls(requests),
    ...auditCalls(requests),
  };
}
