import { useId, useState, type SyntheticEvent } from 'react';
import { ipcContract, type AuthState } from '../../../shared/ipc/contract';
import { useIpcMutation } from '../bridge/context';
import { ErrorNote } from '../ui/ErrorNote';
import { useSetAuthState } from './useAuth';

type NotSignedIn = Exclude<AuthState, { status: 'signed_in' }>;

export function SignIn({ state }: { state: NotSignedIn }) {
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <h1>Concierge</h1>
        <p className="muted">Assisted shopping console</p>
        {state.status === 'signed_out' ? <PasswordStep state={state} /> : <CodeStep state={state} />}
        {!state.keychain.available && (
          <p className="info-note">
            {state.keychain.message ??
              'The system keychain is not available: you will need to sign in again next time.'}
          </p>
        )}
      </div>
    </main>
  );
}

function PasswordStep({ state }: { state: Extract<AuthState, { status: 'signed_out' }> }) {
  const id = useId();
  const setAuth = useSetAuthState();
  const [shopUrl, setShopUrl] = useState(state.shopUrl);
  const [email, setEmail] = useState(state.lastEmail ?? '');
  const [password, setPassword] = useState('');
  const signIn = useIpcMutation('auth.signIn', { onSuccess: setAuth });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    signIn.mutate({ shopUrl: shopUrl.trim(), email: email.trim(), password });
  }

  return (
    <form onSubmit={submit} aria-label="Sign in">
      <label htmlFor={`${id}-shop`}>Shop address</label>
      {/* Only the shops this console was started for (--shop-url): the password goes nowhere else. */}
      {state.shops.length > 1 ? (
        <select
          id={`${id}-shop`}
          value={shopUrl}
          onChange={(e) => {
            setShopUrl(e.target.value);
          }}
        >
          {state.shops.map((shop) => (
            <option key={shop} value={shop}>
              {shop}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={`${id}-shop`}
          type="url"
          readOnly
          value={shopUrl}
          title="Start the console with --shop-url to use another shop"
        />
      )}
      <label htmlFor={`${id}-email`}>Email</label>
      <input
        id={`${id}-email`}
        type="email"
        required
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
        }}
        autoComplete="username"
        autoFocus={!email}
      />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        type="password"
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
        }}
        autoComplete="current-password"
        autoFocus={Boolean(email)}
      />
      <ErrorNote error={signIn.error} />
      <button type="submit" className="primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Continue'}
      </button>
    </form>
  );
}

function CodeStep({ state }: { state: Extract<AuthState, { status: 'mfa_required' }> }) {
  const id = useId();
  const setAuth = useSetAuthState();
  const [code, setCode] = useState('');
  const verify = useIpcMutation('auth.verifyMfa', { onSuccess: setAuth });
  const restart = useIpcMutation('auth.signOut', { onSuccess: setAuth });
  const valid = ipcContract['auth.verifyMfa'].args.safeParse({ code }).success;

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    if (valid) verify.mutate({ code });
  }

  return (
    <form onSubmit={submit} aria-label="Second step">
      <p>
        Signing in as <strong>{state.email}</strong> to {state.shopUrl}.
      </p>
      <label htmlFor={`${id}-code`}>Authenticator code</label>
      <input
        id={`${id}-code`}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        required
        autoFocus
        value={code}
        onChange={(e) => {
          setCode(e.target.value.replace(/\D/g, ''));
        }}
        aria-describedby={`${id}-code-help`}
      />
      <p id={`${id}-code-help`} className="muted small">
        The 6-digit code from your authenticator app.
      </p>
      <ErrorNote error={verify.error ?? restart.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={!valid || verify.isPending}>
          {verify.isPending ? 'Checking…' : 'Sign in'}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            restart.mutate({});
          }}
        >
          Use another account
        </button>
      </div>
    </form>
  );
}
