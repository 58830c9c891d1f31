import { createHash } from 'node:crypto';

/** The storefront's only stylesheet, inlined: no external assets, allowed by its CSP hash. */
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f6f7f9}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
.assist-marker{background:#7a2e00;color:#fff;font-size:14px;padding:6px 16px;text-align:center;font-weight:600}
.live-assist{background:#fff4e5;border-bottom:1px solid #f5c98b;font-size:14px;padding:6px 16px;text-align:center}.live-assist form{display:inline}.live-assist button.link{font-weight:700}
header.site{background:#fff;border-bottom:1px solid #e2e5ea}
.bar{max-width:1100px;margin:0 auto;padding:12px 16px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}
.brand{font-weight:700;font-size:20px;color:#1d2430;margin-right:auto}
.brand small{font-weight:400;color:#6b7280;font-size:13px;margin-left:6px}
.search{display:flex;gap:6px;flex:1 1 260px;max-width:420px}
.search input{flex:1}
nav.user{display:flex;gap:14px;align-items:center;font-size:15px}
nav.user form{margin:0}
main{max-width:1100px;margin:0 auto;padding:20px 16px 48px}
h1{font-size:26px;margin:8px 0 16px}h2{font-size:19px;margin:24px 0 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:10px;padding:14px}
.card h2:first-child{margin-top:0}section>.card+.card{margin-top:14px}
.product .thumb{aspect-ratio:4/3;border-radius:8px;background:linear-gradient(135deg,#dfe7f3,#c7d3e6);display:flex;align-items:center;justify-content:center;font-size:30px;font-weight:700;color:#52627a;margin-bottom:10px}
.product h3{font-size:16px;margin:0 0 4px}.price{font-weight:700}
.muted{color:#6b7280;font-size:14px}
.chips{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0;list-style:none}
.chips a{display:inline-block;background:#fff;border:1px solid #d5dae2;border-radius:999px;padding:4px 12px;font-size:14px}
label{display:block;font-size:14px;font-weight:600;margin:10px 0 4px}
input,select,button,textarea{font:inherit}
input[type=text],input[type=email],input[type=password],input[type=search],input[type=number],input[type=tel],select{width:100%;padding:8px 10px;border:1px solid #c9cfd8;border-radius:6px;background:#fff}
input[type=number]{max-width:90px}
.search input[type=search]{width:auto}
button,.button{display:inline-block;background:#1f5fbf;color:#fff;border:0;border-radius:6px;padding:8px 16px;cursor:pointer;font-weight:600}
button.secondary{background:#e8ecf2;color:#1d2430}button.link{background:none;color:#1f5fbf;padding:0;font-weight:400}
button.danger{background:#b42318}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e7e9ee;vertical-align:top}
th{font-size:13px;color:#6b7280;font-weight:600}
.num{text-align:right}
.notice{background:#e9f6ec;border:1px solid #b7dfc2;border-radius:8px;padding:10px 14px;margin-bottom:16px}
.error{background:#fdecea;border:1px solid #f3b8b2;border-radius:8px;padding:10px 14px;margin-bottom:16px}
.helped{display:inline-block;background:#fff4e5;border:1px solid #f5c98b;border-radius:6px;padding:2px 8px;font-size:13px}
.layout{display:grid;grid-template-columns:220px 1fr;gap:24px}
.side{align-self:start}.side a{display:block;padding:6px 0}.side a[aria-current=page]{font-weight:700;color:#1d2430}
.form{max-width:440px}
fieldset.locked{display:contents}fieldset.locked input{background:#f1f3f6;color:#6b7280}button:disabled{background:#c9cfd8;color:#4b5563;cursor:not-allowed}button.link:disabled{background:none;color:#6b7280}
.view-only-hint{display:inline-block;margin-left:8px;font-size:12px;font-weight:600;color:#7a2e00;background:#fff4e5;border:1px solid #f5c98b;border-radius:999px;padding:0 8px;vertical-align:middle}
.side .locked-link{display:block;padding:6px 0;color:#6b7280;cursor:not-allowed}
.row{display:flex;gap:12px;flex-wrap:wrap;align-items:flex-end}
.row>*{flex:1 1 160px}
.code{font:700 34px/1.2 ui-monospace,monospace;letter-spacing:6px;background:#fff;border:2px dashed #1f5fbf;border-radius:10px;padding:10px 18px;display:inline-block}
.event-list{margin:6px 0 0;padding-left:18px;font-size:14px}
details{background:#fff;border:1px solid #e2e5ea;border-radius:10px;padding:10px 14px;margin-bottom:10px}
summary{cursor:pointer}
footer.site{border-top:1px solid #e2e5ea;background:#fff;color:#6b7280;font-size:13px}
@media (max-width:720px){.layout{grid-template-columns:1fr}.brand{width:100%}.bar{gap:8px}th,td{padding:6px}}
`;

export const STYLESHEET_HASH = `sha256-${createHash('sha256').update(STYLESHEET, 'utf8').digest('base64')}`;
