import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createLinkState } from '../bridge/console-link';
import { keychain } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { ConsoleLinkNotice } from './ConsoleLinkNotice';

afterEach(cleanup);

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('ConsoleLinkNotice', () => {
  it('says nothing while the console runs, then tells the agent it stopped, restarted (with a keyboard-reachable Reload) or moved', async () => {
    const link = createLinkState();
    let reloads = 0;
    const user = userEvent.setup();
    render(
      <ConsoleLinkNotice
        link={link}
        reload={() => {
          reloads += 1;
        }}
      />,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    act(() => {
      link.hello(A);
    });
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => {
      link.unreachable();
    });
    expect(screen.getByRole('alert').textContent).toBe('The console is not running — start it again with npm start.');
    expect(screen.queryByRole('button', { name: 'Reload' })).toBeNull();

    act(() => {
      link.hello(B);
    });
    expect(screen.getByRole('alert').textContent).toContain('The console restarted. Reload to continue.');
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Reload' }));
    await user.keyboard('{Enter}');
    expect(reloads).toBe(1);

    act(() => {
      link.refused();
    });
    expect(screen.getByRole('alert').textContent).toBe(
      'The console restarted with a new address. Open the address printed in the terminal where it runs (npm start).',
    );
    expect(screen.queryByRole('button', { name: 'Reload' })).toBeNull();
  });

  it('shows over the console in the browser tier, and never in Electron (no link)', async () => {
    const link = createLinkState();
    const signedOut = {
      'auth.state': () => ({
        status: 'signed_out' as const,
        shopUrl: 'http://127.0.0.1:4310',
        shops: ['http://127.0.0.1:4310'],
        keychain,
        lastEmail: null,
      }),
    };
    renderConsole(signedOut, { kind: 'browser', link });
    await screen.findByLabelText('Email');
    act(() => {
      link.unreachable();
    });
    expect(screen.getByRole('alert').textContent).toContain('The console is not running');
    cleanup();

    renderConsole(signedOut);
    await screen.findByLabelText('Email');
    expect(screen.queryByText(/The console is not running/)).toBeNull();
  });
});
