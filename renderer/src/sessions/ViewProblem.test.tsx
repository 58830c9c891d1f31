import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { consoleHandlers, openSession } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const onSession = { initial: { screen: { name: 'session' as const, sessionId: 'ses_1' } } };
const crashed = openSession({
  problem: { kind: 'crashed', message: 'The customer’s storefront stopped working (the page crashed).' },
});

describe('a storefront in trouble', () => {
  it('shows what happened instead of the storefront, reloads it, and brings the storefront back', async () => {
    const { fake, user } = renderConsole(
      consoleHandlers({ open: [crashed] }, { 'sessions.reloadView': () => ({ ...crashed, problem: null }) }),
      { kind: 'browser', ...onSession },
    );
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The storefront stopped working' })).toBeTruthy();
    expect(alert.textContent).toContain('the page crashed');
    // No storefront (nor its view) while the page is gone.
    expect(screen.queryByRole('application', { name: /^Storefront of Jane Smith/ })).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'Reload the storefront' }));
    expect(fake.callsTo('sessions.reloadView')).toEqual([{ sessionId: 'ses_1' }]);
    expect(await screen.findByRole('application', { name: /^Storefront of Jane Smith/ })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers only the end for a refused certificate, and ends it', async () => {
    const refused = openSession({
      problem: { kind: 'certificate', message: 'The store’s certificate was refused (net::ERR_CERT_DATE_INVALID).' },
    });
    const { fake, user } = renderConsole(
      consoleHandlers(
        { open: [refused] },
        { 'sessions.end': () => ({ ...refused, state: 'ended', endedMessage: 'You ended this session.' }) },
      ),
      { kind: 'browser', ...onSession },
    );
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The store’s certificate was refused' })).toBeTruthy();
    expect(within(alert).queryByRole('button', { name: 'Reload the storefront' })).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'End session' }));
    expect(fake.callsTo('sessions.end')).toEqual([{ sessionId: 'ses_1' }]);
    expect(await screen.findByText('You ended this session.')).toBeTruthy();
  });
});
