import type { SalesChannelDTO } from '@medusajs/framework/types';
import type { Store } from '../protocol/protocol';
import type { Deps } from './deps';

/** Sales channel metadata that makes a channel a Concierge store: its code in URLs (required) and currency. */
export const STORE_CODE_KEY = 'concierge_code';
export const STORE_CURRENCY_KEY = 'concierge_currency';

/** A Medusa sales channel opted in as a Concierge store (metadata.concierge_code), or null. */
export function storeOf(deps: Pick<Deps, 'publicUrl'>, channel: SalesChannelDTO): Store | null {
  const code = channel.metadata?.[STORE_CODE_KEY];
  if (typeof code !== 'string' || !/^[a-z0-9-]{1,32}$/.test(code)) return null;
  const currency = channel.metadata?.[STORE_CURRENCY_KEY];
  return {
    id: channel.id,
    code,
    name: channel.name,
    baseUrl: `${deps.publicUrl}/store/${code}/`,
    currency: typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'USD',
  };
}

/** Every enabled sales channel opted in as a store, in name order. */
export async function listStores(deps: Deps): Promise<{ store: Store; channel: SalesChannelDTO }[]> {
  const channels = await deps.salesChannels.listSalesChannels(
    { is_disabled: false },
    { select: ['id', 'name', 'description', 'is_disabled', 'metadata'], order: { name: 'ASC' } },
  );
  return channels.flatMap((channel) => {
    const store = storeOf(deps, channel);
    return store ? [{ store, channel }] : [];
  });
}

export async function findStoreByCode(deps: Deps, code: string) {
  return (await listStores(deps)).find((entry) => entry.store.code === code) ?? null;
}
