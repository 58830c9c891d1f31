/**
 * The few Medusa Store API calls the assisted storefront makes, as any storefront would: over
 * HTTP to the Medusa server, with the sales channel's publishable key (so Medusa itself limits
 * products to the store's channel). Only fields used by the pages are asked for.
 */

export interface StoreRegion {
  id: string;
  name: string;
  currency_code: string;
}

export interface StoreVariant {
  id: string;
  sku: string | null;
  title: string | null;
  manage_inventory?: boolean | null;
  inventory_quantity?: number | null;
  calculated_price?: { calculated_amount: number | null; currency_code: string | null } | null;
}

export interface StoreProduct {
  id: string;
  title: string;
  handle: string;
  description: string | null;
  variants: StoreVariant[] | null;
}

export interface StoreCart {
  id: string;
  currency_code: string;
  items?: { id: string; quantity: number; variant_id: string | null }[] | null;
}

/** Medusa answered with an error (`status` its HTTP status; 0 when it could not be reached). */
export class StoreApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Medusa's own words for a refusal (e.g. not enough stock), shown to the agent. */
    readonly medusaMessage: string | null = null,
  ) {
    super(message);
    this.name = 'StoreApiError';
  }
}

const PRODUCT_FIELDS = [
  'id',
  'title',
  'handle',
  'description',
  'variants.id',
  'variants.sku',
  'variants.title',
  'variants.manage_inventory',
  'variants.inventory_quantity',
  '*variants.calculated_price',
].join(',');

const TIMEOUT_MS = 10_000;

export type StoreApi = ReturnType<typeof storeApi>;

export function storeApi(medusaUrl: string, publishableKey: string) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${medusaUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'x-publishable-api-key': publishableKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new StoreApiError(0, `Medusa's Store API could not be reached (${(error as Error).message}).`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: reported below by status.
    }
    if (!response.ok) {
      const message = (parsed as { message?: unknown } | null)?.message;
      // The path only, never the query or the key.
      const said = typeof message === 'string' ? message.slice(0, 300) : null;
      throw new StoreApiError(
        response.status,
        `${method} ${path.split('?')[0]} answered ${response.status}${said ? `: ${said}` : ''}`,
        said,
      );
    }
    return parsed as T;
  }

  return {
    /** The region whose currency is the store's: it prices products and carts. */
    async regionFor(currency: string): Promise<StoreRegion | null> {
      const { regions } = await call<{ regions: StoreRegion[] }>(
        'GET',
        '/store/regions?limit=100&fields=id,name,currency_code',
      );
      return regions.find((r) => r.currency_code.toLowerCase() === currency.toLowerCase()) ?? null;
    },

    async listProducts(regionId: string | null): Promise<StoreProduct[]> {
      const query = new URLSearchParams({ limit: '50', order: 'title', fields: PRODUCT_FIELDS });
      if (regionId) query.set('region_id', regionId);
      return (await call<{ products: StoreProduct[] }>('GET', `/store/products?${query}`)).products;
    },

    async productByHandle(handle: string, regionId: string | null): Promise<StoreProduct | null> {
      const query = new URLSearchParams({ handle, limit: '1', fields: PRODUCT_FIELDS });
      if (regionId) query.set('region_id', regionId);
      const { products } = await call<{ products: StoreProduct[] }>('GET', `/store/products?${query}`);
      return products.find((p) => p.handle === handle) ?? null;
    },

    async createCart(input: {
      regionId: string;
      salesChannelId: string;
      email: string;
      metadata: Record<string, string>;
    }): Promise<StoreCart> {
      const { cart } = await call<{ cart: StoreCart }>('POST', '/store/carts?fields=id,currency_code', {
        region_id: input.regionId,
        sales_channel_id: input.salesChannelId,
        email: input.email,
        metadata: input.metadata,
      });
      return cart;
    },

    /** Whether a cart can still take items: Medusa still has it, and it was not completed into an order. */
    async cartIsOpen(cartId: string): Promise<boolean> {
      try {
        const { cart } = await call<{ cart: { completed_at: string | null } }>(
          'GET',
          `/store/carts/${encodeURIComponent(cartId)}?fields=id,completed_at`,
        );
        return !cart.completed_at;
      } catch (error) {
        if (error instanceof StoreApiError && error.status === 404) return false;
        throw error;
      }
    },

    async addLineItem(cartId: string, variantId: string, quantity: number): Promise<StoreCart> {
      const path = `/store/carts/${encodeURIComponent(cartId)}/line-items?fields=id,currency_code,items.id,items.quantity,items.variant_id`;
      return (await call<{ cart: StoreCart }>('POST', path, { variant_id: variantId, quantity })).cart;
    },
  };
}
