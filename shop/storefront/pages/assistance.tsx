import type { Consent } from '../../../shared/api/shop';
import type { ConsentDuration } from '../../consent/consent';
import type { HistorySession } from '../data/assistance';
import { PostForm, type Chrome } from '../layout';
import { LocalTime } from '../local-time';
import { SessionHistory } from './assistance-history';

/** The durations the consent form offers, and how long each lasts (`consent/consent.ts` grants them). */
const DURATIONS: Readonly<Record<ConsentDuration, { label: string; seconds: number | null }>> = {
  '1h': { label: '1 hour', seconds: 3600 },
  '24h': { label: '24 hours', seconds: 24 * 3600 },
  '7d': { label: '7 days', seconds: 7 * 24 * 3600 },
  until_revoked: { label: 'Until I turn it off', seconds: null },
};

/** The duration the customer last chose, read back from when their consent was granted and runs out. */
export function chosenDuration(consent: Consent): ConsentDuration {
  if (!consent.grantedAt) return '1h';
  if (!consent.expiresAt) return 'until_revoked';
  const seconds = Math.round((Date.parse(consent.expiresAt) - Date.parse(consent.grantedAt)) / 1000);
  const entries = Object.entries(DURATIONS) as [ConsentDuration, { seconds: number | null }][];
  return entries.find(([, d]) => d.seconds === seconds)?.[0] ?? '1h';
}

function ConsentStatusLine({ chrome, consent }: { chrome: Chrome; consent: Consent }) {
  const locale = chrome.store.locale;
  if (consent.status === 'granted') {
    return (
      <p data-testid="consent-status">
        <strong>Allowed</strong>{' '}
        {consent.expiresAt ? (
          <>
            until <LocalTime at={consent.expiresAt} locale={locale} />
          </>
        ) : (
          'until you turn it off'
        )}
        .
      </p>
    );
  }
  if (consent.status === 'expired')
    return (
      <p data-testid="consent-status">
        <strong>Not allowed</strong>: your permission expired{' '}
        {consent.expiresAt ? <LocalTime at={consent.expiresAt} locale={locale} /> : null}.
      </p>
    );
  return (
    <p data-testid="consent-status">
      <strong>Not allowed.</strong> Our support team cannot open your account.
    </p>
  );
}

function ConsentCard({ chrome, consent }: { chrome: Chrome; consent: Consent }) {
  const allowed = consent.status === 'granted';
  return (
    <div className="card">
      <h2>Allow remote shopping assistance</h2>
      <ConsentStatusLine chrome={chrome} consent={consent} />
      {allowed ? (
        <PostForm chrome={chrome} action="/account/assistance">
          <input type="hidden" name="allow" value="off" />
          <button type="submit" className="secondary" data-testid="consent-off">
            Turn off
          </button>
        </PostForm>
      ) : null}
      <PostForm chrome={chrome} action="/account/assistance" className="row form">
        <input type="hidden" name="allow" value="on" />
        <div>
          <label htmlFor="duration">{allowed ? 'Change how long' : 'Allow for'}</label>
          <select id="duration" name="duration" defaultValue={chosenDuration(consent)}>
            {Object.entries(DURATIONS).map(([value, d]) => (
              <option key={value} value={value}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" data-testid="consent-on">
            {allowed ? 'Update' : 'Allow assistance'}
          </button>
        </div>
      </PostForm>
    </div>
  );
}

function CodeCard({
  chrome,
  code,
  activeCodeExpiresAt,
}: {
  chrome: Chrome;
  code: { code: string; expiresAt: string } | null;
  activeCodeExpiresAt: string | null;
}) {
  const locale = chrome.store.locale;
  return (
    <div className="card">
      <h2>One-time code</h2>
      <p>On the phone with us? Read this code to the agent: it lets them help you once, even when assistance is off.</p>
      {code ? (
        <p>
          <span className="code" data-testid="consent-code">
            {code.code}
          </span>
          <br />
          <span className="muted">
            Valid until <LocalTime at={code.expiresAt} locale={locale} />. Only this code works; it can be used once,
            and it is shown only now.
          </span>
        </p>
      ) : activeCodeExpiresAt ? (
        <p className="muted" data-testid="consent-code-active">
          A code you created is valid until <LocalTime at={activeCodeExpiresAt} locale={locale} />. A new code replaces
          it.
        </p>
      ) : null}
      <PostForm chrome={chrome} action="/account/assistance/code">
        <button type="submit" data-testid="consent-code-button">
          Get a one-time code
        </button>
      </PostForm>
    </div>
  );
}

export function AssistanceSection({
  chrome,
  consent,
  code,
  activeCodeExpiresAt,
  history,
}: {
  chrome: Chrome;
  consent: Consent;
  code: { code: string; expiresAt: string } | null;
  activeCodeExpiresAt: string | null;
  history: HistorySession[];
}) {
  return (
    <>
      <p>
        Let our support team open your account to help you shop: they see what you see, every page and action is
        recorded, and you can read it all below.
      </p>
      <ConsentCard chrome={chrome} consent={consent} />
      <CodeCard chrome={chrome} code={code} activeCodeExpiresAt={activeCodeExpiresAt} />
      <h2>Assisted sessions on your account</h2>
      {history.length === 0 ? (
        <p className="muted" data-testid="assist-history-empty">
          Nobody has opened your account.
        </p>
      ) : (
        history.map((s) => <SessionHistory key={s.id} chrome={chrome} session={s} />)
      )}
    </>
  );
}
