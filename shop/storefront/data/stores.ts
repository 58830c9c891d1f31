import type { Queryable } from '../../db/database';
import type { StoreRow } from '../viewer';

interface Row {
  id: string;
  code: string;
  name: string;
  path_prefix: string;
  currency: string;
  locale: string;
}

const toStore = (r: Row): StoreRow => ({
  id: r.id,
  code: r.code,
  name: r.name,
  pathPrefix: r.path_prefix,
  currency: r.currency.trim(),
  locale: r.locale,
});

export async function listStores(db: Queryable): Promise<StoreRow[]> {
  const result = await db.query<Row>('SELECT id, code, name, path_prefix, currency, locale FROM stores ORDER BY code');
  return result.rows.map(toStore);
}

/** The store whose path prefix is `/store/<segment>`. */
export async function storeByPathSegment(db: Queryable, segment: string): Promise<StoreRow | null> {
  if (!/^[a-z0-9-]{1,32}$/.test(segment)) return null;
  const result = await db.query<Row>(
    'SELECT id, code, name, path_prefix, currency, locale FROM stores WHERE path_prefix = $1',
    [`/store/${segment}`],
  );
  const row = result.rows[0];
  return row ? toStore(row) : null;
}
