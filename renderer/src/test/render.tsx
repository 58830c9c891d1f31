import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { ConsoleRoot } from '../app/App';
// Loaded up front: the sign-in screen prefetches the signed-in console (App.tsx), and a test that
// ends first would otherwise see that import land after its environment is gone.
import '../app/Shell';
import type { ConsoleLinkWatch } from '../bridge/console-link';
import type { ConsoleHost } from '../bridge/index';
import type { ViewInput } from '../../../shared/ipc/view-input';
import { createUiStore, type UiState } from '../state/ui-store';
import { createFakeBridge, type Handlers } from './fake-bridge';

export interface RenderOptions {
  kind?: ConsoleHost['kind'];
  /** Browser tier: the page's link to the console (none by default). */
  link?: ConsoleLinkWatch;
  initial?: Partial<Pick<UiState, 'screen' | 'search' | 'auditFilter'>>;
  userOptions?: Parameters<typeof userEvent.setup>[0];
}

/** The whole console over a test double of the bridge, as main.tsx mounts it. */
export function renderConsole(handlers: Handlers, options: RenderOptions = {}) {
  const fake = createFakeBridge(handlers);
  const inputs: { id: string; input: ViewInput }[] = [];
  const host: ConsoleHost =
    options.kind === 'browser'
      ? {
          bridge: fake.bridge,
          kind: 'browser',
          link: options.link ?? null,
          streamUrl: (id) => `http://console.test/views/${id}/screencast?token=t`,
          sendInput: (id, input) => {
            inputs.push({ id, input });
            return Promise.resolve(true);
          },
        }
      : { bridge: fake.bridge, kind: 'electron', streamUrl: null, sendInput: null, link: null };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const store = createUiStore(options.initial);
  const user = userEvent.setup(options.userOptions);
  const view = render(<ConsoleRoot host={host} queryClient={queryClient} store={store} />);
  return { ...view, fake, store, user, queryClient, inputs };
}
