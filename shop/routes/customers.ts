import { z } from 'zod';
import { Id } from '../../shared/api/common';
import {
  Customer,
  CustomerSearchQuery,
  CustomerSearchResponse,
  DocumentsQuery,
  DocumentsResponse,
  ShopDocumentDetail,
} from '../../shared/api/shop';
import { CustomerActiveSessionsResponse } from '../../shared/api/sessions';
import { activeSessionsOfCustomer } from '../assist/manage';
import { accessGateOf, requireStaff, requireStaffInStatement } from '../auth/guard';
import type { ShopContext } from '../context';
import { getCustomer, listDocuments } from '../customers/detail';
import { getDocument } from '../customers/document-detail';
import { searchCustomers } from '../customers/search';
import { notFound } from '../lib/errors';
import { sendJsonText } from '../lib/json-text-reply';
import type { ApiApp } from './index';

const CustomerParams = z.object({ id: z.string() });
const DocumentParams = z.object({ id: z.string(), documentId: z.string() });
const security = [{ bearer: [] }];

/** A malformed id names no customer: same 404 as an unknown one, never a validation error. */
function customerId(raw: string): string {
  const parsed = Id.safeParse(raw);
  if (!parsed.success) throw notFound('customer_not_found', 'No customer has this id.');
  return parsed.data;
}

/** A malformed document id names no document: the same 404 as another customer's. */
function documentId(raw: string): string {
  const parsed = Id.safeParse(raw);
  if (!parsed.success) throw notFound('document_not_found', 'This customer has no document with this id.');
  return parsed.data;
}

/** GET /customers (search), /customers/:id, /customers/:id/documents, /customers/:id/documents/:documentId. */
export function registerCustomerRoutes(api: ApiApp, ctx: ShopContext): void {
  const guard = requireStaff(ctx, ['customers.read']);

  api.get(
    '/customers',
    {
      // Search as you type calls this on every keystroke: the access check rides in the search's
      // statement instead of costing a database round trip of its own.
      onRequest: requireStaffInStatement(ctx, ['customers.read']),
      // Bad input skips the statement, so the handler checks access before reporting it.
      attachValidation: true,
      schema: {
        tags: ['shop'],
        summary: 'Search customers by name, email, phone, customer number or document number',
        security,
        querystring: CustomerSearchQuery,
        response: { 200: CustomerSearchResponse },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        await accessGateOf(request).confirm();
        throw request.validationError;
      }
      const result = await searchCustomers(ctx.db, request.query, ctx.clock.now(), accessGateOf(request));
      // The result is built field by field from typed rows (customers/search.ts, summaryFromRow;
      // consent's SQL is checked against consentAt in consent/status.test.ts), so running it
      // through the response schema again checks nothing the tests do not, and the zod serializer
      // cost about a tenth of the shop's CPU per search.
      return sendJsonText(reply, JSON.stringify(result));
    },
  );

  api.get(
    '/customers/:id',
    {
      onRequest: guard,
      schema: {
        tags: ['shop'],
        summary: 'One customer with accounts and consent',
        security,
        params: CustomerParams,
        response: { 200: Customer },
      },
    },
    (request) => getCustomer(ctx.db, customerId(request.params.id), ctx.clock.now()),
  );

  api.get(
    '/customers/:id/documents',
    {
      onRequest: guard,
      schema: {
        tags: ['shop'],
        summary: 'Orders, invoices, shipments and credit memos of a customer',
        security,
        params: CustomerParams,
        querystring: DocumentsQuery,
        response: { 200: DocumentsResponse },
      },
    },
    async (request) => ({ items: await listDocuments(ctx.db, customerId(request.params.id), request.query) }),
  );

  api.get(
    '/customers/:id/active-sessions',
    {
      // Anyone who may start a session is warned of a colleague's: names, mode and start only.
      onRequest: requireStaff(ctx, ['assist.view', 'assist.act']),
      schema: {
        tags: ['shop'],
        summary: "Who has an assisted session open with this customer now (any staff's): name, mode, start",
        security,
        params: CustomerParams,
        response: { 200: CustomerActiveSessionsResponse },
      },
    },
    async (request) => ({ items: await activeSessionsOfCustomer(ctx, customerId(request.params.id)) }),
  );

  api.get(
    '/customers/:id/documents/:documentId',
    {
      onRequest: guard,
      schema: {
        tags: ['shop'],
        summary: 'One document of a customer: lines, totals, addresses, status and related documents',
        security,
        params: DocumentParams,
        response: { 200: ShopDocumentDetail },
      },
    },
    (request) => getDocument(ctx.db, customerId(request.params.id), documentId(request.params.documentId)),
  );
}
