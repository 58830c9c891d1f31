import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { LiveAssist } from './data/live-assistance';
import { LocalTimeScript } from './local-time';
import { formatMoney } from './money';
import { STYLESHEET } from './styles';
import type { StoreRow, Viewer } from './viewer';

/** What every store page's frame needs: the store, who is looking, the form token, the cart size. */
export interface Chrome {
  store: StoreRow;
  viewer: Viewer;
  csrfToken: string | null;
  cartCount: number;
  /** The current path (without query), so the sign-in link can come back here. */
  path: string;
  /** Agents in the signed-in customer's account now (empty on assisted and anonymous pages). */
  liveAssists: LiveAssist[];
}

export function href(store: StoreRow, path = '/'): string {
  return path === '/' ? `${store.pathPrefix}/` : `${store.pathPrefix}${path}`;
}

export function Money({ cents, store }: { cents: number; store: StoreRow }) {
  return <span className="price">{formatMoney(cents, store.currency, store.locale)}</span>;
}

/** A POST form carrying the CSRF token. */
export function PostForm({
  chrome,
  action,
  children,
  className,
}: {
  chrome: Chrome;
  action: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <form method="post" action={href(chrome.store, action)} className={className}>
      <input type="hidden" name="_csrf" value={chrome.csrfToken ?? ''} />
      {children}
    </form>
  );
}

function AssistMarker({ viewer }: { viewer: Viewer }) {
  if (viewer.kind !== 'assisted') return null;
  const { staffName, mode } = viewer.session;
  return (
    <div className="assist-marker" role="status" data-testid="assist-marker">
      {mode === 'view'
        ? `Assisted by ${staffName} — view only`
        : `Assisted by ${staffName} — can shop for ${viewer.customer.name}`}
    </div>
  );
}

/**
 * On the customer's own pages while an agent is in their account: who, how, and a button that
 * ends the session at once. Never on the assisted pages the agent sees.
 */
function LiveAssistNotice({ chrome }: { chrome: Chrome }) {
  if (chrome.viewer.kind !== 'customer' || chrome.liveAssists.length === 0) return null;
  return (
    <>
      {chrome.liveAssists.map((live) => (
        <LiveAssistLine key={live.sessionId} chrome={chrome} live={live} />
      ))}
    </>
  );
}

function LiveAssistLine({ chrome, live }: { chrome: Chrome; live: LiveAssist }) {
  const elsewhere = live.storeName === chrome.store.name ? '' : ` at ${live.storeName}`;
  return (
    <section className="live-assist" aria-label="Assisted session" data-testid="live-assist-notice">
      <PostForm chrome={chrome} action="/account/assistance/end">
        <input type="hidden" name="sessionId" value={live.sessionId} />
        <span>
          {live.staffName} from support is in your account{elsewhere} now —{' '}
          {live.mode === 'view' ? 'view only' : 'can make changes'} —{' '}
        </span>
        <button type="submit" className="link" data-testid="live-assist-end">
          End now
        </button>
      </PostForm>
    </section>
  );
}

function UserNav({ chrome }: { chrome: Chrome }) {
  const { viewer, store } = chrome;
  if (viewer.kind === 'anonymous') {
    return (
      <nav className="user" aria-label="Account">
        <a href={href(store, '/cart')}>Cart</a>
        <a href={`${href(store, '/signin')}?next=${encodeURIComponent(chrome.path)}`}>Sign in</a>
        <a href={href(store, '/register')}>Register</a>
      </nav>
    );
  }
  return (
    <nav className="user" aria-label="Account">
      <a href={href(store, '/cart')} data-testid="cart-link">
        Cart ({chrome.cartCount})
      </a>
      <a href={href(store, '/account')}>{viewer.customer.firstName}’s account</a>
      {viewer.kind === 'customer' ? (
        <PostForm chrome={chrome} action="/signout">
          <button type="submit" className="link">
            Sign out
          </button>
        </PostForm>
      ) : null}
    </nav>
  );
}

export function Layout({ chrome, title, children }: { chrome: Chrome; title: string; children: ReactNode }) {
  const { store } = chrome;
  return (
    <html lang={store.locale.split('-')[0] ?? 'en'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${store.name}`}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLESHEET }} />
      </head>
      <body>
        <AssistMarker viewer={chrome.viewer} />
        <LiveAssistNotice chrome={chrome} />
        <header className="site">
          <div className="bar">
            <a className="brand" href={href(store)}>
              {store.name}
              <small>{store.currency}</small>
            </a>
            <form className="search" method="get" action={href(store, '/search')} role="search">
              <input
                type="search"
                name="q"
                placeholder="Search products"
                aria-label="Search products"
                maxLength={100}
              />
              <button type="submit">Search</button>
            </form>
            <UserNav chrome={chrome} />
          </div>
        </header>
        <main>{children}</main>
        <footer className="site">
          <div className="bar">
            <span>
              {store.name} — a Concierge demo store. Prices in {store.currency}. Test payments only.
            </span>
            <a href="/">All stores</a>
          </div>
        </footer>
        <LocalTimeScript />
      </body>
    </html>
  );
}

/** A bare page for the shop root and for errors outside a known store. */
export function BarePage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLESHEET }} />
      </head>
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}

export function renderDocument(element: ReactNode): string {
  return `<!doctype html>${renderToStaticMarkup(element)}`;
}
