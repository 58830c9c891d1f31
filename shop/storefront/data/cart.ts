import type { Queryable } from '../../db/database';
import type { Clock } from '../../lib/clock';

export const MAX_QUANTITY = 99;

export interface CartLine {
  productId: string;
  slug: string;
  sku: string;
  name: string;
  quantity: number;
  unitCents: number;
  lineCents: number;
  stock: number;
}

export interface Cart {
  lines: CartLine[];
  subtotalCents: number;
  itemCount: number;
}

export async function readCart(db: Queryable, accountId: string, currency: string): Promise<Cart> {
  const result = await db.query<{
    product_id: string;
    slug: string;
    sku: string;
    name: string;
    quantity: number;
    price: number | string | null;
    stock: number;
  }>(
    `SELECT i.product_id, p.slug, p.sku, p.name, i.quantity, (p.prices->>$2)::bigint AS price, p.stock
       FROM cart_items i JOIN products p ON p.id = i.product_id
      WHERE i.account_id = $1 ORDER BY i.added_at, p.name`,
    [accountId, currency],
  );
  const lines = result.rows
    .filter((r) => r.price !== null)
    .map((r) => ({
      productId: r.product_id,
      slug: r.slug,
      sku: r.sku,
      name: r.name,
      quantity: r.quantity,
      unitCents: Number(r.price),
      lineCents: Number(r.price) * r.quantity,
      stock: r.stock,
    }));
  return {
    lines,
    subtotalCents: lines.reduce((sum, l) => sum + l.lineCents, 0),
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
  };
}

export async function cartCount(db: Queryable, accountId: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    'SELECT COALESCE(sum(quantity), 0)::int AS n FROM cart_items WHERE account_id = $1',
    [accountId],
  );
  return result.rows[0]?.n ?? 0;
}

/** Adds to the quantity already in the cart, capped at MAX_QUANTITY. */
export async function addToCart(
  tx: Queryable,
  clock: Clock,
  accountId: string,
  productId: string,
  quantity: number,
): Promise<number> {
  const result = await tx.query<{ quantity: number }>(
    `INSERT INTO cart_items (account_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, ${MAX_QUANTITY})
     RETURNING quantity`,
    [accountId, productId, quantity, clock.now()],
  );
  return result.rows[0]?.quantity ?? quantity;
}

/** Sets a line's quantity; 0 removes it. Returns whether the line existed. */
export async function setCartQuantity(
  tx: Queryable,
  accountId: string,
  productId: string,
  quantity: number,
): Promise<boolean> {
  const result =
    quantity === 0
      ? await tx.query('DELETE FROM cart_items WHERE account_id = $1 AND product_id = $2', [accountId, productId])
      : await tx.query('UPDATE cart_items SET quantity = $3 WHERE account_id = $1 AND product_id = $2', [
          accountId,
          productId,
          quantity,
        ]);
  return result.rowCount > 0;
}

export async function clearCart(tx: Queryable, accountId: string): Promise<void> {
  await tx.query('DELETE FROM cart_items WHERE account_id = $1', [accountId]);
}
