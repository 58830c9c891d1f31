import { describe, expect, it } from 'vitest';
import { jane, order, session, stores } from '../test/fixtures';
import { formatDate } from '../ui/format';
import { latestActivity, START_LIMITS, startProblems, startRequest, type StartDraft } from './start-rules';

const ready: StartDraft = {
  accountId: 'acc_jane_us',
  mode: 'view',
  reason: '  Customer cannot find her order ',
  ticket: ' ',
  consentCode: '',
  method: 'totp',
  secret: '123456',
};
const problemsOf = (changes: Partial<StartDraft>, needsConsentCode = false) => {
  const draft = { ...ready, ...changes };
  return startProblems(startRequest(draft, 'cus_jane', needsConsentCode), draft.method);
};

describe('start-session rules', () => {
  it('sends trimmed text, a ticket only when given and the consent code only when asked for', () => {
    expect(startRequest(ready, 'cus_jane', false)).toEqual({
      customerId: 'cus_jane',
      accountId: 'acc_jane_us',
      mode: 'view',
      reason: 'Customer cannot find her order',
      stepUp: { code: '123456' },
    });
    expect(startRequest({ ...ready, ticket: ' T-7 ', consentCode: '654321' }, 'cus_jane', true)).toMatchObject({
      ticket: 'T-7',
      consentCode: '654321',
    });
    expect(startRequest({ ...ready, method: 'password', secret: 'pw' }, 'cus_jane', false).stepUp).toEqual({
      password: 'pw',
    });
  });

  it('finds nothing wrong with a complete form', () => {
    expect(problemsOf({})).toEqual({});
    expect(problemsOf({ consentCode: '654321' }, true)).toEqual({});
    expect(problemsOf({ method: 'password', secret: 'concierge-demo' })).toEqual({});
  });

  it('words each field the contract refuses as the form shows it', () => {
    expect(problemsOf({ accountId: '', reason: ' ab ', secret: '12345' }, true)).toEqual({
      account: 'Choose the store to assist in.',
      reason: 'Give a reason (at least 3 characters).',
      consentCode: 'Enter the 6-digit code the customer reads to you.',
      secret: 'Enter the 6-digit code from your authenticator app.',
    });
    expect(problemsOf({ method: 'password', secret: '' })).toEqual({ secret: 'Enter your password.' });
  });

  it('takes the inputs’ lengths from the contract', () => {
    expect(START_LIMITS).toEqual({
      reason: { min: 3, max: 500 },
      ticket: { min: 0, max: 100 },
      password: { min: 1, max: 1024 },
    });
  });

  it('carries the landing document only while the chosen store is the document’s', () => {
    const landing = { documentId: 'doc_7', accountId: 'acc_jane_us' };
    expect(startRequest(ready, 'cus_jane', false, landing).landingDocumentId).toBe('doc_7');
    expect(startRequest({ ...ready, accountId: 'acc_jane_eu' }, 'cus_jane', false, landing)).not.toHaveProperty(
      'landingDocumentId',
    );
  });
});

describe('the store of the customer’s latest activity', () => {
  const usOrder = order(1, { number: 'O-00000003', createdAt: '2026-12-03T10:00:00.000Z' });
  const euOrder = order(2, {
    number: 'O-00000005',
    accountId: 'acc_jane_eu',
    storeId: 'sto_eu',
    createdAt: '2026-11-20T10:00:00.000Z',
  });

  it('follows the newest document, whatever the order of the lists, and says why', () => {
    expect(latestActivity(jane, stores, [euOrder, usOrder], [])).toEqual({
      accountId: 'acc_jane_us',
      why: `US store: latest order O-00000003 on ${formatDate(usOrder.createdAt)}`,
    });
  });

  it('follows a newer assisted session in another store', () => {
    const euSession = session({
      accountId: 'acc_jane_eu',
      storeId: 'sto_eu',
      staffName: 'Alex Agent',
      startedAt: '2026-12-04T09:00:00.000Z',
    });
    expect(latestActivity(jane, stores, [usOrder], [euSession])).toEqual({
      accountId: 'acc_jane_eu',
      why: `EU store: latest assisted session on ${formatDate(euSession.startedAt)} (Alex Agent)`,
    });
  });

  it('names no store without activity, or for activity in an account the customer no longer has', () => {
    expect(latestActivity(jane, stores, [], [])).toBeNull();
    expect(latestActivity(jane, stores, [order(9, { accountId: 'acc_gone' })], [])).toBeNull();
  });
});
