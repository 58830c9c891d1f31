import { createHash } from 'node:crypto';
import { formatDateTime } from './money';

/**
 * Rewrites every `<time data-local>` in the customer's own time zone and locale: the server does not
 * know them, so it writes UTC and the browser corrects it. Allowed by its CSP hash, like the stylesheet.
 */
export const LOCAL_TIME_SCRIPT =
  "document.querySelectorAll('time[data-local]').forEach(function(t){var d=new Date(t.getAttribute('datetime')||'');" +
  "if(!isNaN(d.getTime()))t.textContent=d.toLocaleString(undefined,{dateStyle:'medium',timeStyle:'short'});});";

export const LOCAL_TIME_SCRIPT_HASH = `sha256-${createHash('sha256').update(LOCAL_TIME_SCRIPT, 'utf8').digest('base64')}`;

/** A moment shown in UTC by the server (the fallback) and in the customer's local time by the page's script. */
export function LocalTime({ at, locale }: { at: Date | string; locale: string }) {
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} data-local="">
      {formatDateTime(iso, locale)}
    </time>
  );
}

/** The script that rewrites the page's `<LocalTime>`s; it goes last in the body, after them. */
export function LocalTimeScript() {
  return <script dangerouslySetInnerHTML={{ __html: LOCAL_TIME_SCRIPT }} />;
}
