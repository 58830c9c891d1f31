import { afterAll, beforeAll, expect, it } from 'vitest';
import { DocumentsResponse, ShopDocumentDetail, type ShopDocument } from '../../shared/api/shop';
import { TestBrowser } from '../storefront/test-browser';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  CUSTOMERS,
  requestSession,
  LONG_LEASE_SECONDS,
  signInAs,
  startSession,
  startStorefrontShop,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';

describeBackends('a document of a customer, and sessions started from one', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let trainee: Agent;
  let janeDocs: ShopDocument[];

  beforeAll(async () => {
    // The storefront too: the handoff of a session started from a document lands on its page.
    shop = await startStorefrontShop(backend, {
      accessTokenSeconds: 3600,
      stepUpSeconds: 3600,
      consoleLeaseSeconds: LONG_LEASE_SECONDS,
    });
    agent = await signInAs(shop, 'agent@demo.test');
    trainee = await signInAs(shop, 'trainee@demo.test');
    const listed = await api(shop, agent, 'GET', `/customers/${CUSTOMERS.jane.id}/documents?limit=200`);
    janeDocs = DocumentsResponse.parse(listed.json).items;
  });
  afterAll(async () => {
    await shop.close();
  });

  /** Jane's order that has an invoice, a shipment and a credit memo (shop/seed/demo.ts). */
  const fullOrder = () => {
    const memo = janeDocs.find((d) => d.type === 'credit_memo' && d.accountId === CUSTOMERS.jane.usAccount);
    const order = janeDocs.find((d) => d.id === memo?.orderId);
    if (!order) throw new Error('Jane has no refunded order');
    return order;
  };
  const detail = async (who: Agent, customerId: string, documentId: string) =>
    api(shop, who, 'GET', `/customers/${customerId}/documents/${documentId}`);

  it('gives an order with its lines, totals, address and documents, to anyone who reads customers', async () => {
    const order = fullOrder();
    for (const who of [agent, trainee]) {
      const response = await detail(who, CUSTOMERS.jane.id, order.id);
      expect(response.status, JSON.stringify(response.json)).toBe(200);
      const doc = ShopDocumentDetail.parse(response.json);
      expect(doc).toMatchObject({ id: order.id, number: order.number, type: 'order', storeCode: 'us' });
      expect(doc.lines.length).toBeGreaterThan(0);
      const linesCents = doc.lines.reduce((sum, l) => sum + (l.unitCents ?? 0) * l.quantity, 0);
      expect(doc.subtotalCents).toBe(linesCents);
      expect(doc.totalCents).toBe(linesCents + (doc.shippingCents ?? 0));
      expect(doc.shippingAddress?.name).toBe(CUSTOMERS.jane.name);
      expect(doc.shippingMethod).not.toBeNull();
      expect(doc.related.map((r) => r.type).sort()).toEqual(['credit_memo', 'invoice', 'shipment']);
    }
  });

  it('gives a shipment its tracking and the order among its related documents', async () => {
    const shipment = janeDocs.find((d) => d.type === 'shipment' && d.orderId === fullOrder().id);
    if (!shipment) throw new Error('no shipment');
    const doc = ShopDocumentDetail.parse((await detail(agent, CUSTOMERS.jane.id, shipment.id)).json);
    expect(doc.tracking?.number).toMatch(/^1Z/);
    expect(doc.lines.every((l) => l.unitCents === null)).toBe(true);
    expect(doc.related.map((r) => r.number)).toContain(fullOrder().number);
  });

  it("answers 404 for another customer's document, a malformed id and an unknown customer", async () => {
    const order = fullOrder();
    const asJohn = await detail(agent, CUSTOMERS.john.id, order.id);
    expect([asJohn.status, errorCode(asJohn)]).toEqual([404, 'document_not_found']);
    const malformed = await detail(agent, CUSTOMERS.jane.id, 'not%20an%20id');
    expect([malformed.status, errorCode(malformed)]).toEqual([404, 'document_not_found']);
    const nobody = await detail(agent, 'cus_999999', order.id);
    expect([nobody.status, errorCode(nobody)]).toEqual([404, 'customer_not_found']);
  });

  it("starts a session on the order's page: the handoff lands there", async () => {
    const order = fullOrder();
    const browser = new TestBrowser(shop.url);
    const started = await startSession(shop, agent, { landingDocumentId: order.id });
    const handoff = new URL(started.handoffUrl);
    const entered = await browser.get(`${handoff.pathname}${handoff.search}`);
    expect([entered.status, entered.location]).toEqual([303, `/store/us/account/orders/${order.number}`]);
    const page = await browser.get(`/store/us/account/orders/${order.number}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(order.number);

    const invoice = janeDocs.find((d) => d.type === 'invoice' && d.orderId === order.id);
    if (!invoice) throw new Error('no invoice');
    const fromInvoice = new URL((await startSession(shop, agent, { landingDocumentId: invoice.id })).handoffUrl);
    const landed = await new TestBrowser(shop.url).get(`${fromInvoice.pathname}${fromInvoice.search}`);
    expect(landed.location).toBe(`/store/us/account/documents/${invoice.number}`);
  });

  it("refuses, and records, a landing document of another store's account", async () => {
    const before = await auditHead(shop);
    const refused = await requestSession(shop, agent, {
      accountId: CUSTOMERS.jane.euAccount,
      landingDocumentId: fullOrder().id,
    });
    expect([refused.status, errorCode(refused)]).toEqual([404, 'document_not_found']);
    const events = await auditSince(shop, before);
    expect(events.map((e) => e.action)).toContain('session.refused');
  });
});
