import { lazy, Suspense, useEffect } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ConsoleHost } from '../bridge/index';
import { HostProvider } from '../bridge/context';
import { UiStoreProvider } from '../state/context';
import type { UiStore } from '../state/ui-store';
import { SignIn } from '../auth/SignIn';
import { StaffContext, useAuthState } from '../auth/useAuth';
import { ErrorNote } from '../ui/ErrorNote';
import { QueryState } from '../ui/QueryState';
import { ConsoleLinkNotice } from './ConsoleLinkNotice';
import { LoadBoundary } from './LoadBoundary';

// The signed-in console is its own chunk: the sign-in screen paints without parsing it, and it
// loads while the person types (ShellPrefetch).
const loadShell = () => import('./Shell');
const Shell = lazy(async () => ({ default: (await loadShell()).Shell }));

function ShellPrefetch() {
  useEffect(() => {
    const timer = setTimeout(() => void loadShell(), 0);
    return () => {
      clearTimeout(timer);
    };
  }, []);
  return null;
}

const opening = (
  <main className="splash" aria-busy="true">
    <p>Opening the console…</p>
  </main>
);

export function ConsoleRoot({
  host,
  queryClient,
  store,
}: {
  host: ConsoleHost;
  queryClient: QueryClient;
  store: UiStore;
}) {
  return (
    <HostProvider host={host}>
      <ConsoleLinkNotice link={host.link} />
      <QueryClientProvider client={queryClient}>
        <UiStoreProvider store={store}>
          <App />
        </UiStoreProvider>
      </QueryClientProvider>
    </HostProvider>
  );
}

export function App() {
  const auth = useAuthState();
  return (
    <QueryState
      query={auth}
      pending={
        <main className="splash" aria-busy="true">
          <p>Restoring your sign-in…</p>
        </main>
      }
      error={(error) => (
        <main className="splash">
          <ErrorNote error={error} prefix="The console could not start:" />
          <button type="button" onClick={() => void auth.refetch()}>
            Try again
          </button>
        </main>
      )}
    >
      {(state) =>
        state.status === 'signed_in' ? (
          <StaffContext.Provider value={state.staff}>
            <LoadBoundary>
              <Suspense fallback={opening}>
                <Shell shopUrl={state.shopUrl} />
              </Suspense>
            </LoadBoundary>
          </StaffContext.Provider>
        ) : (
          <>
            <SignIn state={state} />
            <ShellPrefetch />
          </>
        )
      }
    </QueryState>
  );
}
