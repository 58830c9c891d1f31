import { z } from 'zod';
import { Store } from '../../shared/api/shop';
import { requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import type { ApiApp } from './index';

interface StoreRow {
  id: string;
  code: string;
  name: string;
  path_prefix: string;
  currency: string;
}

/** GET /stores: the shop's stores with the URL the storefront serves each at. */
export function registerStoreRoutes(api: ApiApp, ctx: ShopContext): void {
  api.get(
    '/stores',
    {
      onRequest: requireStaff(ctx, ['customers.read']),
      schema: {
        tags: ['shop'],
        summary: 'The stores of this shop',
        security: [{ bearer: [] }],
        response: { 200: z.array(Store) },
      },
    },
    async () => {
      const { rows } = await ctx.db.query<StoreRow>(
        'SELECT id, code, name, path_prefix, currency FROM stores ORDER BY code',
      );
      return rows.map((s) => ({
        id: s.id,
        code: s.code,
        name: s.name,
        baseUrl: `${ctx.config.publicOrigin}${s.path_prefix}/`,
        currency: s.currency.trim(),
      }));
    },
  );
}
