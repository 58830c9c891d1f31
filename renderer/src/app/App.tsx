import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ConsoleHost } from '../bridge/index';
import { HostProvider } from '../bridge/context';
import { UiStoreProvider } from '../state/context';
import type { UiStore } from '../state/ui-store';
import { SignIn } from '../auth/SignIn';
import { StaffContext, useAuthState } from '../auth/useAuth';
import { ErrorNote } from '../ui/ErrorNote';
import { ConsoleLinkNotice } from './ConsoleLinkNotice';
import { Shell } from './Shell';

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
  if (auth.isPending) {
    return (
      <main className="splash" aria-busy="true">
        <p>Restoring your sign-in…</p>
      </main>
    );
  }
  if (auth.isError) {
    return (
      <main className="splash">
        <ErrorNote error={auth.error} prefix="The console could not start:" />
        <button type="button" onClick={() => void auth.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  if (auth.data.status !== 'signed_in') return <SignIn state={auth.data} />;
  return (
    <StaffContext.Provider value={auth.data.staff}>
      <Shell shopUrl={auth.data.shopUrl} />
    </StaffContext.Provider>
  );
}
