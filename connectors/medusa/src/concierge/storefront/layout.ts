import type { LiveSession } from './access';
import { html, trusted, type Html } from './html';

/** The only stylesheet, inline (the CSP allows inline styles, no scripts): the reference shop's look. */
const STYLESHEET = trusted(`
*,*::before,*::after{box-sizing:border-box}
body{margin:0;padding-top:56px;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f6f7f9}
body.bare{padding-top:0}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
.assist-banner{position:fixed;top:0;left:0;right:0;z-index:1000;min-height:44px;background:#7a2e00;color:#fff;font-size:14px;padding:6px 16px;text-align:center;box-shadow:0 1px 4px rgba(0,0,0,.25)}
.assist-banner strong{font-weight:700}.assist-banner .reason{display:block;font-size:12px;opacity:.9}
header.site{background:#fff;border-bottom:1px solid #e2e5ea}
.bar{max-width:1100px;margin:0 auto;padding:12px 16px;display:flex;flex-wrap:wrap;gap:14px;align-items:center}
.brand{font-weight:700;font-size:20px;color:#1d2430;margin-right:auto}
.brand small{font-weight:400;color:#6b7280;font-size:13px;margin-left:6px}
nav.user{display:flex;gap:14px;font-size:15px}
main{max-width:1100px;margin:0 auto;padding:20px 16px 48px}
h1{font-size:26px;margin:8px 0 16px}h2{font-size:19px;margin:24px 0 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:10px;padding:14px}
.card+.card{margin-top:14px}.card h2:first-child{margin-top:0}
.product .thumb{aspect-ratio:4/3;border-radius:8px;background:linear-gradient(135deg,#dfe7f3,#c7d3e6);display:flex;align-items:center;justify-content:center;font-size:30px;font-weight:700;color:#52627a;margin-bottom:10px}
.product h3{font-size:16px;margin:0 0 4px}.price{font-weight:700}
.muted{color:#6b7280;font-size:14px}
label{display:block;font-size:14px;font-weight:600;margin:10px 0 4px}
input,button{font:inherit}
input[type=email],input[type=password],input[type=number]{width:100%;padding:8px 10px;border:1px solid #c9cfd8;border-radius:6px;background:#fff}
input[type=number]{max-width:90px}
button{display:inline-block;background:#1f5fbf;color:#fff;border:0;border-radius:6px;padding:8px 16px;cursor:pointer;font-weight:600}
button:disabled{background:#c9cfd8;color:#4b5563;cursor:not-allowed}
fieldset.locked{display:contents}fieldset.locked input{background:#f1f3f6;color:#6b7280}
.hint{display:inline-block;margin-left:8px;font-size:12px;font-weight:600;color:#7a2e00;background:#fff4e5;border:1px solid #f5c98b;border-radius:999px;padding:0 8px}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e7e9ee;vertical-align:top}
th{font-size:13px;color:#6b7280;font-weight:600}.num{text-align:right}
.notice{background:#e9f6ec;border:1px solid #b7dfc2;border-radius:8px;padding:10px 14px;margin-bottom:16px}
.layout{display:grid;grid-template-columns:260px 1fr;gap:24px}
.form{max-width:440px}.row{display:flex;gap:12px;align-items:flex-end}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#6b7280}dd{margin:0}
@media (max-width:720px){.layout{grid-template-columns:1fr}}
`);

/** The banner every assisted page starts with: who, for whom, how, and why. */
function banner(session: LiveSession): Html {
  const mode = session.mode === 'view' ? 'View only' : 'Acting for the customer';
  return html`<div class="assist-banner" role="status" data-testid="assist-banner">
    Assisted session — <strong>${session.staffName}</strong> for <strong>${session.customerName}</strong> · ${mode}
    <span class="reason">Reason: ${session.reason}${session.ticket ? html` · Ticket ${session.ticket}` : ''}</span>
  </div>`;
}

function frame(title: string, bodyClass: string, content: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${STYLESHEET}
        </style>
      </head>
      <body class="${bodyClass}">
        ${content}
      </body>
    </html>`.text;
}

/** A page of the assisted storefront: banner, store header, content. `base` is the store's path, e.g. `/concierge/store/us`. */
export function storePage(input: {
  session: LiveSession;
  store: { name: string; currency: string };
  base: string;
  title: string;
  content: Html;
}): string {
  const { session, store, base } = input;
  return frame(
    `${input.title} · ${store.name}`,
    'assisted',
    html`${banner(session)}
      <header class="site">
        <div class="bar">
          <a class="brand" href="${base}/">${store.name}<small>${store.currency}</small></a>
          <nav class="user" aria-label="Customer">
            <a href="${base}/">Products</a>
            <a href="${base}/orders">Orders</a>
            <a href="${base}/account">${session.customerName}’s account</a>
          </nav>
        </div>
      </header>
      <main>${input.content}</main>`,
  );
}

/** A page without a session (a refused link, a missing or ended session): title, words, no way in. */
export function barePage(title: string, message: string, extra?: Html): string {
  return frame(
    title,
    'bare',
    html`<main>
      <div class="card" data-testid="storefront-message">
        <h1>${title}</h1>
        <p>${message}</p>
        ${extra ?? ''}
      </div>
    </main>`,
  );
}

export function money(amount: unknown, currency: string | null | undefined): string {
  const value = numberOf(amount);
  if (value === null || !currency) return '—';
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** Medusa amounts come as numbers, numeric strings or BigNumber objects (which convert with Number()). */
export function numberOf(amount: unknown): number | null {
  if (amount === null || amount === undefined) return null;
  const value = Number(amount as number);
  return Number.isFinite(value) ? value : null;
}

export function dateTime(at: Date | string | null | undefined): string {
  if (!at) return '—';
  return `${new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(at))} UTC`;
}
