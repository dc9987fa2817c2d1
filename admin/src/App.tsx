import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { type Api, createApi } from './api';
import { Link, match, navigate, useLocation } from './router';
import { OrderPage } from './pages/OrderPage';
import { OrdersPage } from './pages/OrdersPage';
import { ProjectionsPage } from './pages/ProjectionsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { StoresPage } from './pages/StoresPage';
import { saveSession, savedSession, type Session } from './session';

interface Signed {
  session: Session;
  api: Api;
}

const SignedContext = createContext<Signed | null>(null);

/** The signed-in session and its API client (only used below the sign-in gate). */
export function useSigned(): Signed {
  const signed = useContext(SignedContext);
  if (signed === null) throw new Error('useSigned outside a signed-in page');
  return signed;
}

export function App() {
  const [session, setSession] = useState<Session | null>(savedSession);
  const signOut = () => {
    saveSession(null);
    setSession(null);
    navigate('/', { replace: true });
  };
  const api = useMemo(
    () => (session === null ? null : createApi(session.token, signOut)),
    [session?.token],
  );
  useEffect(() => () => api?.close(), [api]);

  if (session === null || api === null)
    return (
      <SignInPage
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  return (
    <SignedContext.Provider value={{ session, api }}>
      <Shell onSignOut={signOut} />
    </SignedContext.Provider>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const { session } = useSigned();
  const { path, query } = useLocation();
  const storeOf = match('/stores/:id/orders', path) ?? match('/stores/:id/settings', path);
  const storeId = session.role === 'store' ? session.storeId : storeOf?.id;

  useEffect(() => {
    if (path === '/' && session.role === 'store')
      navigate(`/stores/${session.storeId}/orders`, { replace: true });
  }, [path, session]);

  let page;
  let params;
  if (path === '/') page = session.role === 'admin' ? <StoresPage /> : null;
  else if ((params = match('/stores/:id/orders', path)))
    page = <OrdersPage key={params.id} storeId={params.id!} query={query} />;
  else if ((params = match('/stores/:id/settings', path)))
    page = <SettingsPage key={params.id} storeId={params.id!} />;
  else if ((params = match('/orders/:id', path)))
    page = <OrderPage key={params.id} orderId={params.id!} />;
  else if (path === '/projections' && session.role === 'admin') page = <ProjectionsPage />;
  else page = <p role="alert">There is no page at {path}.</p>;

  return (
    <>
      <header className="top">
        <span className="brand">fbt-sync admin</span>
        <nav aria-label="Main">
          {session.role === 'admin' && (
            <Link to="/" current={path === '/'}>
              Stores
            </Link>
          )}
          {storeId !== undefined && (
            <>
              <Link to={`/stores/${storeId}/orders`} current={path.endsWith('/orders')}>
                Orders
              </Link>
              <Link to={`/stores/${storeId}/settings`} current={path.endsWith('/settings')}>
                Settings
              </Link>
            </>
          )}
          {session.role === 'admin' && (
            <Link to="/projections" current={path === '/projections'}>
              Projections
            </Link>
          )}
        </nav>
        <span className="who">
          {session.role === 'admin' ? 'Admin' : 'Store'} · {session.sub || 'unnamed'}
          <button type="button" className="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page}</main>
    </>
  );
}
