import { ApiErrorBody } from '../../shared/api/common';
import { AssistPolicy, Settings } from '../../shared/api/settings';
import { principalOf, requestOrigin, requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import { readSettings, writeSettings } from '../settings/settings';
import type { ApiApp } from './index';

/** Shop-wide assistance settings, for admins (settings.manage), and the part every staff member starts sessions by. */
export function registerSettingsRoutes(api: ApiApp, ctx: ShopContext): void {
  const guard = requireStaff(ctx, ['settings.manage']);
  const tags = ['settings'];

  // Any signed-in staff: the start-session dialog needs the store selection, step-up and default mode
  // rules before the shop applies them. Parsing drops the admin-only keys.
  api.get(
    '/assist-policy',
    {
      onRequest: requireStaff(ctx),
      schema: {
        tags,
        summary: 'Read the rules for starting an assisted session (a subset of the settings)',
        security: [{ bearer: [] }],
        response: { 200: AssistPolicy, '4xx': ApiErrorBody },
      },
    },
    async () => AssistPolicy.parse(await readSettings(ctx.db)),
  );

  api.get(
    '/settings',
    {
      onRequest: guard,
      schema: {
        tags,
        summary: "Read the shop's assistance settings",
        security: [{ bearer: [] }],
        response: { 200: Settings, '4xx': ApiErrorBody },
      },
    },
    () => readSettings(ctx.db),
  );

  // The whole Settings object every time: a partial body is a validation error, not a merge.
  api.put(
    '/settings',
    {
      onRequest: guard,
      schema: {
        tags,
        summary: 'Replace the assistance settings (the whole object); audited',
        security: [{ bearer: [] }],
        body: Settings,
        response: { 200: Settings, '4xx': ApiErrorBody },
      },
    },
    async (request) => {
      const { staff } = principalOf(request);
      const saved = await ctx.db.transaction((tx) =>
        writeSettings(tx, ctx, staff, request.body, requestOrigin(request)),
      );
      return saved.settings;
    },
  );
}
