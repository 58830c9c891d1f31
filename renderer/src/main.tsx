import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient } from '@tanstack/react-query';
import { ConsoleRoot } from './app/App';
import { detectHost } from './bridge/index';
import { authQueries } from './state/queries';
import { createUiStore } from './state/ui-store';
import './styles/app.css';

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root');

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal from the shop is an answer, not a glitch: retry only what may be transient.
    queries: {
      retry: (count, error) => count < 2 && error instanceof Error && 'kind' in error && error.kind === 'network',
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});

const host = detectHost();
// Asked before React's first render: the sign-in screen waits for this answer, not for the render too.
queryClient.query(authQueries.state(host.bridge)).catch(() => undefined);

createRoot(element).render(
  <StrictMode>
    <ConsoleRoot host={host} queryClient={queryClient} store={createUiStore()} />
  </StrictMode>,
);
