import type { Staff } from '../../shared/api/auth';
import { DEFAULT_SETTINGS, Settings } from '../../shared/api/settings';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';

/**
 * The shop's assistance settings; the defaults until an admin saves some. A stored value from an
 * older shape is completed with defaults for the keys it lacks.
 */
export async function readSettings(db: Queryable): Promise<Settings> {
  const result = await db.query<{ value: unknown }>('SELECT value FROM shop_settings WHERE id');
  return settingsFrom(result.rows[0]?.value);
}

function settingsFrom(stored: unknown): Settings {
  if (stored === undefined || stored === null || typeof stored !== 'object') return DEFAULT_SETTINGS;
  const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...pickKnown(stored as Record<string, unknown>) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

function pickKnown(value: Record<string, unknown>): Partial<Settings> {
  const known = Object.keys(DEFAULT_SETTINGS);
  return Object.fromEntries(Object.entries(value).filter(([key]) => known.includes(key)));
}

export type SettingsChange = Record<string, { before: unknown; after: unknown }>;

/**
 * Saves `next` (already validated) and records which keys changed, before and after. Saving the
 * effective values again records nothing.
 */
export async function writeSettings(
  tx: Queryable,
  ctx: ShopContext,
  staff: Pick<Staff, 'id' | 'name'>,
  next: Settings,
  origin: { ip: string; userAgent: string | null },
): Promise<{ settings: Settings; changed: SettingsChange }> {
  const current = await tx.query<{ value: unknown }>('SELECT value FROM shop_settings WHERE id FOR UPDATE');
  const before = settingsFrom(current.rows[0]?.value);
  const changed: SettingsChange = {};
  for (const key of Object.keys(next) as (keyof Settings)[]) {
    if (before[key] !== next[key]) changed[key] = { before: before[key], after: next[key] };
  }
  const storedWhole = Settings.safeParse(current.rows[0]?.value).success;
  if (Object.keys(changed).length === 0 && storedWhole) return { settings: before, changed };
  const now = ctx.clock.now();
  await tx.query(
    `INSERT INTO shop_settings (id, value, updated_at) VALUES (true, $1, $2)
     ON CONFLICT (id) DO UPDATE SET value = $1, updated_at = $2`,
    [JSON.stringify(next), now],
  );
  // Completing a missing or older stored shape with the same effective values is no change to record.
  if (Object.keys(changed).length === 0) return { settings: next, changed };
  await appendAudit(tx, ctx.clock, {
    action: 'settings.changed',
    actor: { type: 'staff', id: staff.id, name: staff.name },
    ip: origin.ip,
    userAgent: origin.userAgent,
    details: { changed },
  });
  return { settings: next, changed };
}
