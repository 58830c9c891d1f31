import { DEFAULT_SETTINGS, Settings } from '../protocol/protocol';
import type { Sql } from './db';

const SETTINGS_ID = 'cset_shop';

/** The shop-wide assistance settings; the protocol's defaults until an admin saves their own. */
export async function loadSettings(sql: Sql): Promise<Settings> {
  const [row] = await sql.query<{ value: unknown }>('SELECT value FROM concierge_setting WHERE id = ?', [SETTINGS_ID]);
  const parsed = Settings.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function saveSettings(sql: Sql, settings: Settings): Promise<void> {
  await sql.query(
    `INSERT INTO concierge_setting (id, value) VALUES (?, ?::jsonb)
     ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [SETTINGS_ID, JSON.stringify(settings)],
  );
}
