import { plainMessage } from '../bridge/errors';

/** An error in plain words, announced to screen readers. */
export function ErrorNote({ error, prefix }: { error: unknown; prefix?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error-note" role="alert">
      {prefix ? `${prefix} ` : ''}
      {plainMessage(error)}
    </p>
  );
}
