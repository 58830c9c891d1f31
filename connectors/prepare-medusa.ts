import { connectorUnavailable, medusaTemplate } from './medusa-server';

/**
 * `npm run medusa:prepare`: migrates and seeds the Medusa connector's test template ahead of the
 * tests (CI runs it beside the type check and lint); the tests build it themselves when it is missing.
 */
const unavailable = connectorUnavailable();
if (unavailable !== null) {
  console.error(`medusa:prepare: ${unavailable}`);
  process.exit(1);
}
const started = Date.now();
const template = await medusaTemplate(process.env.TEST_DATABASE_URL ?? '');
console.log(`medusa:prepare: template ${template.name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
