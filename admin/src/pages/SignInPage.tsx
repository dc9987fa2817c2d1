import { type FormEvent, useState } from 'react';
import { ApiError, createApi } from '../api';
import { CHECK_TOKEN } from '../queries';
import { type Session, sessionOf } from '../session';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const session = sessionOf(token);
    if (session === null) {
      setError('This is not an fbt-sync token (a JWT with an admin or store role).');
      return;
    }
    setBusy(true);
    setError(null);
    const api = createApi(session.token, () => {});
    try {
      await api.request(CHECK_TOKEN); // the server checks the signature and expiry
      onSignedIn(session);
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'UNAUTHENTICATED'
          ? `The server refused this token: ${e.message}.`
          : `Could not sign in: ${(e as Error).message}`,
      );
    } finally {
      api.close();
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>fbt-sync admin</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">API token</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
          spellCheck={false}
          required
        />
        <p id="token-help" className="help">
          Paste a token from <code>npm run -s cli -- token --admin</code> or{' '}
          <code>token --store STORE_ID</code>. It is kept in this tab only.
        </p>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
