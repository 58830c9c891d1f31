import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedStaff } from '../seed/staff';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';

/** Every route of the Assistance API as docs/ARCHITECTURE.md ("The Assistance API", Routes) lists it, below /api/v1. */
const DOCUMENTED_ROUTES = [
  'GET /events',
  'POST /auth/login',
  'POST /auth/mfa',
  'POST /auth/refresh',
  'POST /auth/logout',
  'POST /auth/step-up',
  'GET /me',
  'GET /stores',
  'GET /customers',
  'GET /customers/{id}',
  'GET /customers/{id}/documents',
  'GET /customers/{id}/documents/{documentId}',
  'POST /assist-sessions',
  'GET /assist-sessions',
  'GET /assist-sessions/{id}',
  'GET /assist-sessions/{id}/timeline',
  'POST /assist-sessions/{id}/heartbeat',
  'POST /assist-sessions/{id}/mode',
  'GET /customers/{id}/active-sessions',
  'POST /assist-sessions/{id}/end',
  'GET /audit/events',
  'GET /audit/recent',
  // The viewer's filters over the whole log, for history older than a console's copy (docs/ARCHITECTURE.md, "Audit log").
  'GET /audit/search',
  'GET /audit/staff',
  // Signed checkpoints and their public keys (docs/ARCHITECTURE.md, "Audit log").
  'GET /audit/keys',
  'GET /audit/checkpoints',
  'GET /settings',
  'PUT /settings',
  // The settings subset every staff member may read to start sessions (docs/ARCHITECTURE.md, "The Assistance API": Routes, Settings).
  'GET /assist-policy',
] as const;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Partial<
      Record<
        (typeof METHODS)[number],
        { security?: unknown[]; requestBody?: unknown; responses?: Record<string, unknown> }
      >
    >
  >;
}

// The document does not depend on the database, so one backend is enough; describeBackends
// still runs it on both where PostgreSQL is available.
describeBackends('OpenAPI document', (backend) => {
  let shop: TestShop;
  let document: OpenApiDocument;

  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
    const response = await fetch(`${shop.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    document = (await response.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await shop.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Concierge Assistance API');
    // Validates against the official OpenAPI 3.1 schema and resolves every $ref.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('lists every route of the Assistance API with its methods, and nothing else', () => {
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((m) => `${m.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`),
    );
    expect([...listed].sort()).toEqual([...DOCUMENTED_ROUTES].sort());
    expect(Object.keys(document.paths).every((path) => path.startsWith('/api/v1/'))).toBe(true);
  });

  it('marks every route except sign-in as needing a bearer token', () => {
    const open = new Set(['POST /auth/login', 'POST /auth/mfa', 'POST /auth/refresh']);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const route = `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`;
        expect(operation.security ?? [], route).toEqual(open.has(route) ? [] : [{ bearer: [] }]);
      }
    }
  });

  it('documents the signed checkpoints, their keys, and the newest checkpoint on every events page', () => {
    const ok = (path: string) => JSON.stringify(document.paths[`/api/v1${path}`]?.get?.responses?.['200']);
    for (const field of ['"keyId"', '"algorithm"', '"publicKey"', '"createdAt"', '"retiredAt"'])
      expect(ok('/audit/keys'), field).toContain(field);
    for (const field of ['"items"', '"nextAfter"', '"seq"', '"hash"', '"at"', '"keyId"', '"signature"'])
      expect(ok('/audit/checkpoints'), field).toContain(field);
    expect(ok('/audit/events')).toContain('"checkpoint"');
  });

  it("documents the heartbeat's activity flag and the session's console lease", () => {
    const heartbeat = document.paths['/api/v1/assist-sessions/{id}/heartbeat']?.post;
    const body = JSON.stringify(heartbeat?.requestBody);
    expect(body).toContain('"activity":{"description":"Agent activity (default true)');
    expect(body).toContain('"type":"boolean"');
    expect(JSON.stringify(heartbeat?.responses?.['200'])).toContain('"consoleLeaseExpiresAt"');
  });
});
