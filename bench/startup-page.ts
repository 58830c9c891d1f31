import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { TOTP_PERIOD_SECONDS, TOTP_WINDOW, totpCodeForStep, totpStep } from '../shop/auth/totp';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../shop/seed/staff';
import { TYPING_DELAY_MS } from './startup-settings';

/** What the page records, frame by frame, in wall-clock milliseconds (performance.timeOrigin + performance.now()). */
export interface PageMarks {
  /** The first animation frame with the sign-in form's Email field in the DOM. */
  emailAt: number | null;
  /** The first frame with the "Sign out" button (signed in). */
  signedInAt: number | null;
  /** When the page clicked "Audit" (in the same frame, when asked to). */
  auditClickedAt: number | null;
  /** Each change of the audit table's top row: the seq it shows, from which frame. */
  tops: { seq: number; at: number }[];
}

/**
 * Installed before the console's page loads: a requestAnimationFrame loop that notes the frames
 * above. `clickAudit`: click "Audit" in the frame that first shows "Sign out", as an agent going
 * straight to the audit screen (no Playwright round trip in between). A string, as tsx's
 * keepNames would wrap named functions in a `__name` helper the page lacks.
 */
export function pageWatcher(clickAudit: boolean): string {
  return `
  window.__startup = { emailAt: null, signedInAt: null, auditClickedAt: null, tops: [] };
  (() => {
    const marks = window.__startup;
    const wall = () => performance.timeOrigin + performance.now();
    const button = (text) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text);
    const tick = () => {
      const now = wall();
      if (marks.emailAt === null) {
        const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === 'Email');
        if (label && label.htmlFor && document.getElementById(label.htmlFor)) marks.emailAt = now;
      }
      if (marks.signedInAt === null && button('Sign out')) {
        marks.signedInAt = now;
        const audit = ${String(clickAudit)} ? button('Audit') : null;
        if (audit) { audit.click(); marks.auditClickedAt = wall(); }
      }
      const cell = document.querySelector('[aria-label="Audit events"] [aria-rowindex="1"] [role=cell]');
      const seq = cell ? Number(cell.textContent.trim()) : NaN;
      const last = marks.tops[marks.tops.length - 1];
      if (Number.isInteger(seq) && seq > 0 && (!last || last.seq !== seq)) marks.tops.push({ seq, at: now });
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })();
`;
}

export async function pageMarks(page: Page): Promise<PageMarks> {
  return page.evaluate(() => (window as unknown as { __startup: PageMarks }).__startup);
}

/** Waits until the page's marks satisfy `done` (polled every 20 ms); throws after timeoutMs. */
export async function waitForMarks(
  page: Page,
  done: (marks: PageMarks) => boolean,
  timeoutMs: number,
  what: string,
): Promise<PageMarks> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const marks = await pageMarks(page);
    if (done(marks)) return marks;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/**
 * Authenticator codes on the real clock. The shop accepts each step once per staff member, so a
 * code is for a later step than the last used; reserved before a run, a code for the current step
 * (or the next) stays valid for at least 30 s, so no run waits for the clock mid-sign-in.
 */
export function totpCodes(): (shopUrl: string, email: string) => Promise<string> {
  const last = new Map<string, number>();
  return async (shopUrl, email) => {
    const member = DEMO_STAFF.find((s) => s.email === email);
    if (!member) throw new Error(`${email} is not demo staff`);
    const key = `${shopUrl}|${email}`;
    for (;;) {
      const current = totpStep(new Date());
      const step = Math.max(current, (last.get(key) ?? -Infinity) + 1);
      if (step <= current + TOTP_WINDOW) {
        last.set(key, step);
        return totpCodeForStep(member.totpSecret, step);
      }
      await sleep((current + 1) * TOTP_PERIOD_SECONDS * 1000 - Date.now() + 50);
    }
  };
}

/** Signs in through the console's form, typing as a person types; does not wait for the result. */
export async function typeSignIn(page: Page, shopUrl: string, email: string, code: string): Promise<void> {
  const shop = page.getByLabel('Shop address');
  if ((await shop.inputValue()) !== shopUrl) await shop.fill(shopUrl);
  // A reused folder may remember the last email: typed afresh, as the person would.
  await page.getByLabel('Email').fill('');
  await page.getByLabel('Email').pressSequentially(email, { delay: TYPING_DELAY_MS });
  await page.getByLabel('Password').pressSequentially(DEMO_STAFF_PASSWORD, { delay: TYPING_DELAY_MS });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authenticator code').pressSequentially(code, { delay: TYPING_DELAY_MS });
  await page.getByRole('button', { name: 'Sign in' }).click();
}
