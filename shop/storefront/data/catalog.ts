import type { Queryable } from '../../db/database';

export interface Product {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  category: string;
  categorySlug: string;
  /** Price in the store's currency; null when the product is not sold there. */
  priceCents: number | null;
  stock: number;
}

interface Row {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  category: string;
  price: number | string | null;
  stock: number;
}

export function categorySlug(category: string): string {
  return (
    category
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'other'
  );
}

const toProduct = (r: Row): Product => ({
  id: r.id,
  sku: r.sku,
  slug: r.slug,
  name: r.name,
  description: r.description,
  category: r.category,
  categorySlug: categorySlug(r.category),
  priceCents: r.price === null ? null : Number(r.price),
  stock: r.stock,
});

// Only products with a price in the store's currency are sold in that store.
const SELECT = `SELECT id, sku, slug, name, description, category, (prices->>$1)::bigint AS price, stock FROM products`;

export async function listCategories(
  db: Queryable,
  currency: string,
): Promise<{ name: string; slug: string; count: number }[]> {
  const result = await db.query<{ category: string; n: number }>(
    'SELECT category, count(*)::int AS n FROM products WHERE prices ? $1 GROUP BY category ORDER BY category',
    [currency],
  );
  return result.rows.map((r) => ({ name: r.category, slug: categorySlug(r.category), count: r.n }));
}

export async function featuredProducts(db: Queryable, currency: string, limit = 8): Promise<Product[]> {
  const result = await db.query<Row>(`${SELECT} WHERE prices ? $1 ORDER BY stock DESC, name LIMIT $2`, [
    currency,
    limit,
  ]);
  return result.rows.map(toProduct);
}

export async function productsInCategory(
  db: Queryable,
  currency: string,
  slug: string,
): Promise<{ name: string; products: Product[] } | null> {
  const category = (await listCategories(db, currency)).find((c) => c.slug === slug);
  if (!category) return null;
  const result = await db.query<Row>(`${SELECT} WHERE prices ? $1 AND category = $2 ORDER BY name LIMIT 200`, [
    currency,
    category.name,
  ]);
  return { name: category.name, products: result.rows.map(toProduct) };
}

export async function productBySlug(db: Queryable, currency: string, slug: string): Promise<Product | null> {
  const result = await db.query<Row>(`${SELECT} WHERE prices ? $1 AND slug = $2`, [currency, slug]);
  const row = result.rows[0];
  return row ? toProduct(row) : null;
}

export async function productById(db: Queryable, currency: string, id: string): Promise<Product | null> {
  const result = await db.query<Row>(`${SELECT} WHERE prices ? $1 AND id = $2`, [currency, id]);
  const row = result.rows[0];
  return row ? toProduct(row) : null;
}

/** Name, SKU or description contains every word of the query. */
export async function searchProducts(db: Queryable, currency: string, query: string): Promise<Product[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length === 0) return [];
  const params: unknown[] = [currency];
  const conditions = words.map((word) => {
    params.push(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return `lower(name || ' ' || sku || ' ' || description || ' ' || category) LIKE $${params.length}`;
  });
  const result = await db.query<Row>(
    `${SELECT} WHERE prices ? $1 AND ${conditions.join(' AND ')} ORDER BY name LIMIT 60`,
    params,
  );
  return result.rows.map(toProduct);
}
