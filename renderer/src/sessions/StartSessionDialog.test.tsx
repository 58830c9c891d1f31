import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import { permissionsOf } from '../../../shared/api/auth';
import { refusal, type Handlers } from '../test/fake-bridge';
import {
  assistPolicy as policy,
  consoleHandlers,
  jane,
  john,
  openSession,
  order,
  session,
  signedIn,
} from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const handlers = (role: Role, extra: Handlers = {}) =>
  consoleHandlers({ role }, { 'shop.customer': ({ id }) => (id === john.id ? john : jane), ...extra });

async function openDialog(h: Handlers, customerId = jane.id) {
  const r = renderConsole(h, { initial: { screen: { name: 'customer', customerId } } });
  await r.user.click(await screen.findByRole('button', { name: 'Start session' }));
  const dialog = await screen.findByRole('dialog', { name: 'Start assisted session' });
  return { ...r, dialog: within(dialog) };
}

describe('start-session dialog', () => {
  it('starts a view-only session with a reason and the authenticator code, then opens its tab', async () => {
    const started = openSession();
    const { fake, dialog, user, store } = await openDialog(handlers('agent', { 'sessions.start': () => started }));
    expect(dialog.getByLabelText<HTMLInputElement>('View only').checked).toBe(true);
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('acc_jane_us');
    expect(dialog.queryByLabelText(/consent code/)).toBeNull();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Customer cannot find her order');
    await user.type(dialog.getByLabelText('Ticket (optional)'), 'T-7');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')).toEqual([
      {
        customerId: jane.id,
        accountId: 'acc_jane_us',
        mode: 'view',
        reason: 'Customer cannot find her order',
        ticket: 'T-7',
        stepUp: { code: '123456' },
      },
    ]);
    expect(await screen.findByRole('region', { name: 'Session with Jane Smith' })).toBeTruthy();
    expect(store.getState().screen).toEqual({ name: 'session', sessionId: started.session.id });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('requires a reason and the step-up before calling the shop', async () => {
    const { fake, dialog, user } = await openDialog(handlers('agent'));
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(dialog.getByText('Give a reason (at least 3 characters).')).toBeTruthy();
    expect(dialog.getByText('Enter the 6-digit code from your authenticator app.')).toBeTruthy();
    expect(fake.callsTo('sessions.start')).toHaveLength(0);
  });

  it('asks for the customer’s one-time code when there is no standing consent, and shows the shop’s refusal at it', async () => {
    const wrongCode = 'The consent code is not valid for John Doe. Check the digits or ask for a new code.';
    const { fake, dialog, user } = await openDialog(
      handlers('agent', {
        'sessions.start': () => {
          throw refusal('consent_required', wrongCode);
        },
      }),
      john.id,
    );
    await user.type(dialog.getByLabelText('Reason (required)'), 'Wants help with checkout');
    const code = dialog.getByLabelText('Customer’s one-time consent code');
    await user.type(code, '654321');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[0]?.consentCode).toBe('654321');
    const alert = await dialog.findByRole('alert');
    expect(alert.textContent).toBe(wrongCode);
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(code.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id);
    expect(dialog.getAllByRole('alert')).toHaveLength(1);
  });

  it('tells how the customer gets a code in the storefront’s own words', async () => {
    const { dialog } = await openDialog(handlers('agent'), john.id);
    const help = dialog.getByText(/no standing consent/);
    expect(help.textContent).toContain(
      'open John’s account at the top of the page, then Assistance, press Get a one-time code',
    );
    expect(dialog.getByLabelText('Customer’s one-time consent code').getAttribute('aria-describedby')).toBe(help.id);
  });

  it('asks for a code once the shop refuses for consent, even when the customer looked consenting', async () => {
    const expired =
      'Jane Smith’s consent to assistance has expired. Ask them to allow it again or for a one-time consent code.';
    const { fake, dialog, user } = await openDialog(
      handlers('agent', {
        'sessions.start': ({ consentCode }) => {
          if (consentCode === undefined) throw refusal('consent_required', expired);
          return openSession();
        },
      }),
    );
    expect(dialog.queryByLabelText('Customer’s one-time consent code')).toBeNull();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Order question');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect((await dialog.findByRole('alert')).textContent).toBe(expired);
    await user.type(dialog.getByLabelText('Customer’s one-time consent code'), '1');
    // Typing another code replaces the shop's answer with the form's own check.
    expect(dialog.queryByRole('alert')).toBeNull();
    expect(dialog.getByText('Enter the 6-digit code the customer reads to you.')).toBeTruthy();
    await user.type(dialog.getByLabelText('Customer’s one-time consent code'), '11222');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[1]?.consentCode).toBe('111222');
  });

  it('warns about the agent’s own live session with the customer', async () => {
    const { fake, dialog } = await openDialog(
      handlers('agent', { 'shop.sessions': () => ({ items: [session({ ticket: 'T-9' })] }) }),
    );
    const warning = await dialog.findByRole('status');
    expect(warning.textContent).toContain('Jane Smith already has an assisted session open:');
    expect(warning.textContent).toMatch(/You, since .+ \(View only, ticket T-9\)/);
    // This test programs no list of everyone's sessions (LiveSessionWarning.test.tsx does): the warning says so.
    expect(warning.textContent).toContain('Colleagues’ sessions could not be checked just now.');
    expect(fake.callsTo('shop.sessions')).toContainEqual({ customerId: jane.id, status: 'active' });
  });

  it('tells a supervisor who else has the customer open, and says nothing when no session is live', async () => {
    const other = session({ staffId: 'stf_other', staffName: 'Sam Agent', mode: 'act' });
    const { dialog } = await openDialog(
      handlers('supervisor', {
        'shop.sessions': () => ({ items: [other, session({ id: 'ses_2', status: 'ended' })] }),
      }),
    );
    const warning = await dialog.findByRole('status');
    expect(warning.textContent).toMatch(/Sam Agent, since .+ \(Can act\)/);
    expect(warning.textContent).toContain('Check with them before you start another');
    expect(warning.querySelectorAll('li')).toHaveLength(1);
    cleanup();

    const none = await openDialog(handlers('supervisor'));
    await none.dialog.findByLabelText('Reason (required)');
    expect(none.dialog.queryByRole('status')).toBeNull();
  });

  it('explains a missing permission and assistance being turned off', async () => {
    let code = 'permission_denied';
    const { dialog, user } = await openDialog(
      handlers('agent', {
        'sessions.start': () => {
          throw refusal(code, code);
        },
      }),
    );
    await user.type(dialog.getByLabelText('Reason (required)'), 'Help');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('Your role does not allow this.');
    code = 'assistance_disabled';
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(await dialog.findByText(/Assisted sessions are turned off/)).toBeTruthy();
  });

  it('pre-selects the first store and asks only for the authenticator code when the shop says automatic and totp', async () => {
    const { dialog } = await openDialog(handlers('agent'));
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('acc_jane_us');
    expect(dialog.getAllByRole('option').map((o) => o.textContent)).toEqual(['US store', 'EU store']);
    expect(dialog.getByText(/Chosen automatically/)).toBeTruthy();
    expect(dialog.getByLabelText('Authenticator code')).toBeTruthy();
    expect(dialog.queryByLabelText('Your password')).toBeNull();
    expect(dialog.queryByRole('radio', { name: /Use password/ })).toBeNull();
  });

  it('pre-selects the store of the document the session starts from when the shop says automatic', async () => {
    const euOrder = order(2, { number: 'EU-20000002', accountId: 'acc_jane_eu', storeId: 'sto_eu' });
    const { user } = renderConsole(
      handlers('agent', { 'shop.documents': ({ type }) => ({ items: type === 'order' ? [euOrder] : [] }) }),
      { initial: { screen: { name: 'customer', customerId: jane.id } } },
    );
    await user.click(await screen.findByRole('button', { name: 'Start session from order EU-20000002' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Start assisted session' }));
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('acc_jane_eu');
  });

  it("chooses the store of the customer's latest activity when the shop says automatic, and says why", async () => {
    const usOrder = order(1, { number: 'O-00000003', createdAt: '2026-12-03T10:00:00.000Z' });
    const euOrder = order(2, {
      number: 'O-00000005',
      accountId: 'acc_jane_eu',
      storeId: 'sto_eu',
      createdAt: '2026-12-05T10:00:00.000Z',
    });
    const { fake, dialog, user } = await openDialog(
      handlers('agent', {
        'shop.documents': ({ type }) => ({ items: type === undefined ? [euOrder, usOrder] : [] }),
      }),
    );
    expect(fake.callsTo('shop.documents')).toContainEqual({ customerId: jane.id });
    const choice = dialog.getByLabelText<HTMLSelectElement>('Store');
    expect(choice.value).toBe('acc_jane_eu');
    expect(dialog.getByText(/^EU store: latest order O-00000005 on /)).toBeTruthy();
    // Once the agent changes it, the reason no longer applies.
    await user.selectOptions(choice, 'US store');
    expect(dialog.queryByText(/latest order/)).toBeNull();
  });

  it('makes the agent choose the store when the shop says manual, and asks only for the password', async () => {
    const { fake, dialog, user } = await openDialog(
      handlers('agent', {
        'shop.assistPolicy': () => policy({ storeSelection: 'manual', stepUpPolicy: 'password' }),
        'sessions.start': () => openSession(),
      }),
    );
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('');
    expect(dialog.getByText('The shop asks you to choose the store.')).toBeTruthy();
    expect(dialog.queryByLabelText('Authenticator code')).toBeNull();
    expect(dialog.queryByRole('radio', { name: /Use authenticator code/ })).toBeNull();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Address question');
    await user.type(dialog.getByLabelText('Your password'), 'concierge-demo');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(dialog.getByText('Choose the store to assist in.')).toBeTruthy();
    expect(fake.callsTo('sessions.start')).toHaveLength(0);
    await user.selectOptions(dialog.getByLabelText('Store'), 'EU store');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[0]).toMatchObject({
      accountId: 'acc_jane_eu',
      stepUp: { password: 'concierge-demo' },
    });
  });

  it('pre-selects the store whose own button the agent clicked, also when the shop says manual', async () => {
    for (const storeSelection of ['manual', 'automatic'] as const) {
      const { fake, user } = renderConsole(
        handlers('agent', {
          'shop.assistPolicy': () => policy({ storeSelection }),
          'sessions.start': () => openSession(),
        }),
        { initial: { screen: { name: 'customer', customerId: jane.id } } },
      );
      await user.click(await screen.findByRole('button', { name: 'Start session in EU store' }));
      const dialog = within(await screen.findByRole('dialog', { name: 'Start assisted session' }));
      expect(dialog.getByLabelText<HTMLSelectElement>('Store').value, storeSelection).toBe('acc_jane_eu');
      // Nothing to choose first: the form starts at the reason.
      expect(document.activeElement).toBe(dialog.getByLabelText('Reason (required)'));
      await user.type(dialog.getByLabelText('Reason (required)'), 'Order question');
      await user.type(dialog.getByLabelText('Authenticator code'), '123456');
      await user.click(dialog.getByRole('button', { name: 'Start session' }));
      expect(fake.callsTo('sessions.start')[0], storeSelection).toMatchObject({ accountId: 'acc_jane_eu' });
      cleanup();
    }
  });

  it('guesses no store when the shop says manual and the session starts from the customer or a document', async () => {
    const manual = { 'shop.assistPolicy': () => policy({ storeSelection: 'manual' }) } satisfies Handlers;
    const fromCustomer = await openDialog(handlers('agent', manual));
    expect(fromCustomer.dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('');
    expect(document.activeElement).toBe(fromCustomer.dialog.getByLabelText('Store'));
    cleanup();

    const euOrder = order(2, { number: 'EU-20000002', accountId: 'acc_jane_eu', storeId: 'sto_eu' });
    const { user } = renderConsole(
      handlers('agent', { ...manual, 'shop.documents': ({ type }) => ({ items: type === 'order' ? [euOrder] : [] }) }),
      { initial: { screen: { name: 'customer', customerId: jane.id } } },
    );
    await user.click(await screen.findByRole('button', { name: 'Start session from order EU-20000002' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Start assisted session' }));
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('');
    expect(dialog.getByText('The shop asks you to choose the store.')).toBeTruthy();
  });

  it("makes the agent choose even a customer's only store when the shop says manual", async () => {
    const { dialog } = await openDialog(
      handlers('agent', { 'shop.assistPolicy': () => policy({ storeSelection: 'manual' }) }),
      john.id,
    );
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('');
  });

  it('offers the choice of proof when the shop accepts a code or a password', async () => {
    const { fake, dialog, user } = await openDialog(
      handlers('agent', {
        'shop.assistPolicy': () => policy({ stepUpPolicy: 'totp_or_password' }),
        'sessions.start': () => openSession(),
      }),
    );
    expect(dialog.getByRole<HTMLInputElement>('radio', { name: /Use authenticator code/ }).checked).toBe(true);
    expect(dialog.getByLabelText('Authenticator code')).toBeTruthy();
    await user.click(dialog.getByRole('radio', { name: /Use password/ }));
    expect(dialog.queryByLabelText('Authenticator code')).toBeNull();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Checkout help');
    await user.type(dialog.getByLabelText('Your password'), 'concierge-demo');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[0]).toMatchObject({
      accountId: 'acc_jane_us',
      mode: 'view',
      stepUp: { password: 'concierge-demo' },
    });
  });

  it("starts in the shop's default mode when the role may act, else view only", async () => {
    const actFirst = { 'shop.assistPolicy': () => policy({ defaultMode: 'act' }) } satisfies Handlers;
    const { dialog } = await openDialog(handlers('agent', actFirst));
    expect(dialog.getByLabelText<HTMLInputElement>(/Act for the customer/).checked).toBe(true);
    cleanup();

    const viewOnly = signedIn('agent');
    if (viewOnly.status === 'signed_in')
      viewOnly.staff.permissions = permissionsOf('agent').filter((p) => p !== 'assist.act');
    const second = await openDialog(handlers('agent', { ...actFirst, 'auth.state': () => viewOnly }));
    expect(second.dialog.getByLabelText<HTMLInputElement>('View only').checked).toBe(true);
  });

  it('follows the policy for every role: a refusal to read it shows instead of a guessed form', async () => {
    const { dialog } = await openDialog(
      handlers('agent', {
        'shop.assistPolicy': () => {
          throw refusal('unauthorized', 'unauthorized');
        },
      }),
    );
    expect((await dialog.findByRole('alert')).textContent).toBe('Your sign-in has ended. Sign in again.');
    expect(dialog.queryByLabelText('Reason (required)')).toBeNull();
    expect(dialog.getByRole('button', { name: 'Close' })).toBeTruthy();
  });

  it('asks no consent code and explains the shop turned assistance off, as its policy says', async () => {
    const { dialog } = await openDialog(
      handlers('agent', { 'shop.assistPolicy': () => policy({ consentRequired: false, assistanceEnabled: false }) }),
      john.id,
    );
    expect(dialog.queryByLabelText(/consent code/)).toBeNull();
    expect(dialog.getByText(/Assisted sessions are turned off/)).toBeTruthy();
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Start session' }).disabled).toBe(true);
  });

  it('keeps Tab inside the dialog, closes with Escape and gives focus back', async () => {
    const { user } = await openDialog(handlers('agent'));
    const dialog = screen.getByRole('dialog', { name: 'Start assisted session' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    for (let i = 0; i < 15; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Start session' }));
  });

  it('offers acting for the customer only with the permission', async () => {
    const viewOnly = signedIn('agent');
    if (viewOnly.status === 'signed_in')
      viewOnly.staff.permissions = permissionsOf('agent').filter((p) => p !== 'assist.act');
    const { dialog } = await openDialog(handlers('agent', { 'auth.state': () => viewOnly }));
    expect(dialog.getByLabelText<HTMLInputElement>(/Act for the customer/).disabled).toBe(true);
    expect(dialog.getByText('Your role allows view-only sessions.')).toBeTruthy();
  });
});
