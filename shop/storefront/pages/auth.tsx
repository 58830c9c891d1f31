import { href, PostForm, type Chrome } from '../layout';
import { Notice } from './common';

export function SignInPage({
  chrome,
  next,
  error,
  notice,
}: {
  chrome: Chrome;
  next: string;
  error?: string;
  notice?: string | undefined;
}) {
  return (
    <div className="form">
      <Notice notice={notice} />
      <h1>Sign in</h1>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <PostForm chrome={chrome} action="/signin">
        <input type="hidden" name="next" value={next} />
        <label htmlFor="email">Email</label>
        <input id="email" type="email" name="email" autoComplete="username" required maxLength={254} />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" name="password" autoComplete="current-password" required maxLength={200} />
        <p>
          <button type="submit">Sign in</button>
        </p>
      </PostForm>
      <p className="muted">
        New here? <a href={href(chrome.store, '/register')}>Create an account</a>.
      </p>
    </div>
  );
}

export function RegisterPage({ chrome, error }: { chrome: Chrome; error?: string }) {
  return (
    <div className="form">
      <h1>Create an account</h1>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <PostForm chrome={chrome} action="/register">
        <div className="row">
          <div>
            <label htmlFor="firstName">First name</label>
            <input id="firstName" type="text" name="firstName" required maxLength={100} autoComplete="given-name" />
          </div>
          <div>
            <label htmlFor="lastName">Last name</label>
            <input id="lastName" type="text" name="lastName" required maxLength={100} autoComplete="family-name" />
          </div>
        </div>
        <label htmlFor="email">Email</label>
        <input id="email" type="email" name="email" required maxLength={254} autoComplete="email" />
        <label htmlFor="password">Password (at least 10 characters)</label>
        <input
          id="password"
          type="password"
          name="password"
          required
          minLength={10}
          maxLength={200}
          autoComplete="new-password"
        />
        <p>
          <button type="submit">Create account</button>
        </p>
      </PostForm>
    </div>
  );
}
