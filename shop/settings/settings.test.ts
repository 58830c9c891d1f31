import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistPolicy, DEFAULT_SETTINGS, Settings } from '../../shared/api/settings';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  requestSession,
  resetSettings,
  signInAs,
  startAssistShop,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { readSettings, writeSettings } from './settings';

describeBackends('settings', (backend) => {
  let shop: TestShop;
  let admin: Agent;
  let supervisor: Agent;
  let agent: Agent;

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    admin = await signInAs(shop, 'admin@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    agent = await signInAs(shop, 'agent@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  describe('GET and PUT /settings', () => {
    it('admins read the settings; everyone else is refused', async () => {
      const read = await api(shop, admin, 'GET', '/settings');
      expect(read.status).toBe(200);
      expect(Settings.parse(read.json)).toEqual(DEFAULT_SETTINGS);
      for (const who of [supervisor, agent]) {
        const refused = await api(shop, who, 'GET', '/settings');
        expect([refused.status, errorCode(refused)]).toEqual([403, 'permission_denied']);
        const write = await api(shop, who, 'PUT', '/settings', DEFAULT_SETTINGS);
        expect([write.status, errorCode(write)]).toEqual([403, 'permission_denied']);
      }
      const anonymous = await api(shop, null, 'PUT', '/settings', DEFAULT_SETTINGS);
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
    });

    it('saves a full settings object and records which keys changed, before and after', async () => {
      const before = await auditHead(shop);
      const next = {
        ...DEFAULT_SETTINGS,
        consentRequired: false,
        idleTimeoutSeconds: 300,
        defaultMode: 'act' as const,
      };
      const saved = await api(shop, admin, 'PUT', '/settings', next);
      expect(saved.status).toBe(200);
      expect(saved.json).toEqual(next);
      expect((await api(shop, admin, 'GET', '/settings')).json).toEqual(next);
      expect(await readSettings(shop.ctx.db)).toEqual(next);

      // Saving the same values again changes nothing and records nothing.
      expect((await api(shop, admin, 'PUT', '/settings', next)).status).toBe(200);
      await resetSettings(shop, admin);

      const events = await auditSince(shop, before);
      expect(events.map((e) => e.action)).toEqual(['settings.changed', 'settings.changed']);
      expect(events[0]).toMatchObject({
        actor: { type: 'staff', id: admin.id, name: 'Ada Admin' },
        customerId: null,
        sessionId: null,
      });
      expect(events[0]?.details).toEqual({
        changed: {
          consentRequired: { before: true, after: false },
          idleTimeoutSeconds: { before: 600, after: 300 },
          defaultMode: { before: 'view', after: 'act' },
        },
      });
      expect(Object.keys(events[1]?.details.changed as object).sort()).toEqual([
        'consentRequired',
        'defaultMode',
        'idleTimeoutSeconds',
      ]);
    });

    it('refuses partial, unknown, out-of-range and inconsistent settings with the fields named', async () => {
      const before = await auditHead(shop);
      const cases: [unknown, string][] = [
        [{ assistanceEnabled: false }, 'body'],
        [{ ...DEFAULT_SETTINGS, extra: true }, 'body'],
        [{ ...DEFAULT_SETTINGS, idleTimeoutSeconds: 5 }, 'body.idleTimeoutSeconds'],
        [{ ...DEFAULT_SETTINGS, stepUpPolicy: 'none' }, 'body.stepUpPolicy'],
        [{ ...DEFAULT_SETTINGS, idleTimeoutSeconds: 3600, maxSessionSeconds: 1800 }, 'body.idleTimeoutSeconds'],
      ];
      for (const [body, path] of cases) {
        const response = await api(shop, admin, 'PUT', '/settings', body);
        expect([response.status, errorCode(response)], JSON.stringify(body)).toEqual([400, 'validation_failed']);
        const fields = (response.json as { error: { fields: { path: string }[] } }).error.fields;
        expect(
          fields.map((f) => f.path).some((p) => p.startsWith(path)),
          JSON.stringify(fields),
        ).toBe(true);
      }
      expect(await auditSince(shop, before)).toEqual([]);
      expect(await readSettings(shop.ctx.db)).toEqual(DEFAULT_SETTINGS);
    });

    it('turning assistance off refuses new sessions with 409 assistance_disabled', async () => {
      const off = await api(shop, admin, 'PUT', '/settings', { ...DEFAULT_SETTINGS, assistanceEnabled: false });
      expect(off.status).toBe(200);
      try {
        const refused = await requestSession(shop, agent, {});
        expect([refused.status, errorCode(refused)]).toEqual([409, 'assistance_disabled']);
      } finally {
        await resetSettings(shop, admin);
      }
      expect((await requestSession(shop, agent, {})).status).toBe(201);
    });
  });

  describe('GET /assist-policy', () => {
    it("an agent reads the policy without the admin-only keys, and it follows an admin's change", async () => {
      const first = await api(shop, agent, 'GET', '/assist-policy');
      expect(first.status).toBe(200);
      expect(first.json).toEqual(AssistPolicy.parse(DEFAULT_SETTINGS));
      expect(first.json).not.toHaveProperty('notifyCustomer');

      const next = {
        ...DEFAULT_SETTINGS,
        storeSelection: 'manual' as const,
        stepUpPolicy: 'totp_or_password' as const,
        defaultMode: 'act' as const,
        idleTimeoutSeconds: 300,
      };
      expect((await api(shop, admin, 'PUT', '/settings', next)).status).toBe(200);
      try {
        const after = await api(shop, agent, 'GET', '/assist-policy');
        expect(after.status).toBe(200);
        expect(after.json).toEqual({
          assistanceEnabled: true,
          consentRequired: true,
          storeSelection: 'manual',
          stepUpPolicy: 'totp_or_password',
          defaultMode: 'act',
          idleTimeoutSeconds: 300,
          maxSessionSeconds: DEFAULT_SETTINGS.maxSessionSeconds,
        });
      } finally {
        await resetSettings(shop, admin);
      }
      const anonymous = await api(shop, null, 'GET', '/assist-policy');
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
    });
  });

  describe('readSettings and writeSettings', () => {
    it('reads the defaults when nothing is saved and completes an older stored shape with them', async () => {
      const db = shop.ctx.db;
      await db.query('DELETE FROM shop_settings');
      expect(await readSettings(db)).toEqual(DEFAULT_SETTINGS);
      await db.query(
        `INSERT INTO shop_settings (id, value) VALUES (true, '{"assistanceEnabled": false, "retired": 1}')`,
      );
      expect(await readSettings(db)).toEqual({ ...DEFAULT_SETTINGS, assistanceEnabled: false });
      const staff = { id: admin.id, name: admin.name };
      const result = await db.transaction((tx) =>
        writeSettings(
          tx,
          shop.ctx,
          staff,
          { ...DEFAULT_SETTINGS, notifyCustomer: false },
          { ip: '127.0.0.1', userAgent: null },
        ),
      );
      expect(result.changed).toEqual({
        assistanceEnabled: { before: false, after: true },
        notifyCustomer: { before: true, after: false },
      });
      expect(await readSettings(db)).toEqual({ ...DEFAULT_SETTINGS, notifyCustomer: false });
      await db.query(`UPDATE shop_settings SET value = '"not an object"'`);
      expect(await readSettings(db)).toEqual(DEFAULT_SETTINGS);
      const before = await auditHead(shop);
      await resetSettings(shop, admin);
      const stored = await db.query<{ value: unknown }>('SELECT value FROM shop_settings');
      expect(stored.rows[0]?.value).toEqual(DEFAULT_SETTINGS);
      expect(await auditSince(shop, before)).toEqual([]);
    });
  });
});
