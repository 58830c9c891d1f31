import { describe, expect, it } from 'vitest';
import { START_LIMITS, startProblems, startRequest, type StartDraft } from './start-rules';

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
});
