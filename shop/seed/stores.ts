import type { Queryable } from '../db/database';

/** The two demo stores; the storefront serves each under its path prefix on the shop origin. */
export const DEMO_STORES = [
  { id: 'sto_us', code: 'us', name: 'Concierge Demo US', pathPrefix: '/store/us', currency: 'USD', locale: 'en-US' },
  { id: 'sto_eu', code: 'eu', name: 'Concierge Demo EU', pathPrefix: '/store/eu', currency: 'EUR', locale: 'en-IE' },
] as const;

export async function seedStores(db: Queryable): Promise<void> {
  for (const s of DEMO_STORES) {
    await db.query(
      `INSERT INTO stores (id, code, name, path_prefix, currency, locale) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [s.id, s.code, s.name, s.pathPrefix, s.currency, s.locale],
    );
  }
}
