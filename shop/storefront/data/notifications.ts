import type { Queryable } from '../../db/database';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt: Date;
}

export async function listNotifications(db: Queryable, customerId: string, limit = 100): Promise<Notification[]> {
  const result = await db.query<{ id: string; kind: string; title: string; body: string; created_at: Date }>(
    'SELECT id, kind, title, body, created_at FROM customer_notifications WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT $2',
    [customerId, limit],
  );
  return result.rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, createdAt: r.created_at }));
}
