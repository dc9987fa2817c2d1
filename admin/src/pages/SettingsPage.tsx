import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useSigned } from '../App';
import type { UserError } from '../api';
import { formatTime, MODE_LABELS } from '../format';
import { STORE_SETTINGS, UPDATE_RULES } from '../queries';
import type { FbtSyncMode } from '../types';

interface StoreSettings {
  id: string;
  name: string;
  platform: string;
  plan: string;
  shopDomain: string | null;
  version: number;
  availableFbtSyncModes: FbtSyncMode[];
  fbtSyncRules: {
    mode: FbtSyncMode;
    orderTag: string | null;
    updatedAt: string | null;
    updatedBy: string | null;
  };
  shopifyConnection: {
    state: 'NOT_INSTALLED' | 'INSTALLED' | 'UNINSTALLED';
    scopes: string[];
    installedAt: string | null;
    uninstalledAt: string | null;
    installPath: string;
  } | null;
  tiktokAuthorization: {
    state: 'AUTHORIZED' | 'DEAUTHORIZED' | 'NOT_AUTHORIZED';
    grantedScopes: string[];
    authorizedAt: string | null;
    deauthorizedAt: string | null;
    authorizeUrl: string;
  } | null;
}

/** The seller's authorization of the app on TikTok Shop, with the link that (re)authorizes it. */
function TikTokAuthorizationFacts({ store }: { store: StoreSettings }) {
  const authorization = store.tiktokAuthorization;
  if (authorization === null) return null;
  const link = (label: string) => <a href={authorization.authorizeUrl}>{label}</a>;
  return (
    <>
      <dt>TikTok Shop</dt>
      <dd data-testid="tiktok-authorization">
        {authorization.state === 'AUTHORIZED' && (
          <>
            Authorized {authorization.authorizedAt ? formatTime(authorization.authorizedAt) : ''} ·{' '}
            {link('Authorize again')}
          </>
        )}
        {authorization.state === 'DEAUTHORIZED' && (
          <>
            <strong>Revoked</strong>
            {authorization.deauthorizedAt ? ` ${formatTime(authorization.deauthorizedAt)}` : ''}:
            nothing is fetched from TikTok Shop for this store. {link('Authorize the app')}
          </>
        )}
        {authorization.state === 'NOT_AUTHORIZED' && (
          <>
            Not authorized: calls use the service&apos;s one-store token if it has one.{' '}
            {link('Authorize the app')}
          </>
        )}
      </dd>
    </>
  );
}

/** The Shopify app's installation, said plainly, with the link that (re)installs it. */
function ShopifyConnectionFacts({ store }: { store: StoreSettings }) {
  const connection = store.shopifyConnection;
  if (connection === null) return null;
  const install = (label: string) => (
    <a href={`${connection.installPath}&store=${encodeURIComponent(store.id)}`}>{label}</a>
  );
  return (
    <>
      <dt>Shopify app</dt>
      <dd data-testid="shopify-connection">
        {connection.state === 'INSTALLED' && (
          <>
            Installed {connection.installedAt ? formatTime(connection.installedAt) : ''} · scopes{' '}
            {connection.scopes.join(', ')} · {install('Reinstall')}
          </>
        )}
        {connection.state === 'UNINSTALLED' && (
          <>
            <strong>Uninstalled</strong>
            {connection.uninstalledAt ? ` ${formatTime(connection.uninstalledAt)}` : ''}: orders
            wait until it is installed again. {install('Install the app')}
          </>
        )}
        {connection.state === 'NOT_INSTALLED' && (
          <>
            Not installed: orders use the service&apos;s one-store token if it has one, else they
            wait. {install('Install the app')}
          </>
        )}
      </dd>
    </>
  );
}

const MODES: FbtSyncMode[] = ['SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'];
const CONFIGURABLE_PLANS = ['PRO', 'ENTERPRISE'];

/** Why a mode cannot be chosen for this store, or null when it can. */
function unavailableBecause(store: StoreSettings, mode: FbtSyncMode): string | null {
  if (store.availableFbtSyncModes.includes(mode)) return null;
  if (!CONFIGURABLE_PLANS.includes(store.plan))
    return `FBT rules are configurable on the PRO and ENTERPRISE plans; this store is on ${store.plan}.`;
  if (store.platform !== 'SHOPIFY') return 'Shopify only.';
  return 'Not available for this store.';
}

/** userErrors by the input field they name ("mode", "orderTag"); the rest under "". */
function byField(errors: UserError[]): Map<string, UserError[]> {
  const map = new Map<string, UserError[]>();
  for (const e of errors) {
    const name = e.field && e.field[0] === 'input' && e.field.length > 1 ? e.field[1]! : '';
    const key = name === 'mode' || name === 'orderTag' ? name : '';
    map.set(key, [...(map.get(key) ?? []), e]);
  }
  return map;
}

function FieldErrors({ id, errors }: { id: string; errors: UserError[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="error" role="alert">
      {errors.map((e) => e.message).join(' ')}
    </p>
  );
}

/** The store's FBT sync rules: the modes its plan and platform allow, the Shopify-only tag. */
export function SettingsPage({ storeId }: { storeId: string }) {
  const { api } = useSigned();
  const [store, setStore] = useState<StoreSettings | null | undefined>(undefined);
  const [mode, setMode] = useState<FbtSyncMode>('SYNC_AND_DEDUCT_INVENTORY');
  const [tag, setTag] = useState('');
  const [errors, setErrors] = useState<Map<string, UserError[]>>(new Map());
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const take = (s: StoreSettings | null) => {
    setStore(s);
    if (s) {
      setMode(s.fbtSyncRules.mode);
      setTag(s.fbtSyncRules.orderTag ?? '');
    }
  };
  const load = useCallback(async () => {
    take((await api.request<{ store: StoreSettings | null }>(STORE_SETTINGS, { storeId })).store);
  }, [api, storeId]);
  useEffect(() => {
    load().catch((e: Error) =>
      setErrors(new Map([['', [{ field: null, message: e.message, code: '' }]]])),
    );
  }, [load]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!store) return;
    setBusy(true);
    setSaved(false);
    try {
      const shopify = store.platform === 'SHOPIFY';
      const { updateFbtSyncRules: result } = await api.request<{
        updateFbtSyncRules: { store: StoreSettings | null; userErrors: UserError[] };
      }>(UPDATE_RULES, {
        input: {
          storeId,
          mode,
          ...(shopify ? { orderTag: tag.trim() === '' ? null : tag.trim() } : {}),
          expectedVersion: store.version,
        },
      });
      setErrors(byField(result.userErrors));
      if (result.userErrors.length === 0 && result.store) {
        take({ ...store, ...result.store });
        setSaved(true);
      }
    } catch (e) {
      setErrors(new Map([['', [{ field: null, message: (e as Error).message, code: '' }]]]));
    } finally {
      setBusy(false);
    }
  };

  if (store === undefined)
    return errors.size ? (
      <FieldErrors id="load" errors={errors.get('')} />
    ) : (
      <p aria-busy="true">Loading…</p>
    );
  if (store === null) return <p role="alert">No store {storeId}, or this token may not see it.</p>;
  const shopify = store.platform === 'SHOPIFY';

  return (
    <>
      <h1>
        Settings <span className="sub">· {store.name}</span>
      </h1>
      <dl className="facts">
        <dt>Platform</dt>
        <dd>
          {store.platform}
          {store.shopDomain ? ` (${store.shopDomain})` : ''}
        </dd>
        <ShopifyConnectionFacts store={store} />
        <TikTokAuthorizationFacts store={store} />
        <dt>Plan</dt>
        <dd>{store.plan}</dd>
        <dt>Last change</dt>
        <dd>
          {store.fbtSyncRules.updatedAt
            ? `${formatTime(store.fbtSyncRules.updatedAt)} by ${store.fbtSyncRules.updatedBy ?? 'unknown'}`
            : 'never changed (the default)'}
        </dd>
      </dl>
      <form className="rules" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset aria-describedby={errors.get('mode') ? 'mode-errors' : undefined}>
          <legend>How orders Fulfilled by TikTok reach {store.platform}</legend>
          {MODES.map((m) => {
            const why = unavailableBecause(store, m);
            return (
              <div key={m} className="choice">
                <input
                  type="radio"
                  id={`mode-${m}`}
                  name="mode"
                  value={m}
                  checked={mode === m}
                  disabled={why !== null && mode !== m}
                  onChange={() => setMode(m)}
                  aria-describedby={why ? `why-${m}` : undefined}
                />
                <label htmlFor={`mode-${m}`}>{MODE_LABELS[m]}</label>
                {why && (
                  <p id={`why-${m}`} className="help gated">
                    {why}
                  </p>
                )}
              </div>
            );
          })}
          <FieldErrors id="mode-errors" errors={errors.get('mode')} />
        </fieldset>
        <div className="field">
          <label htmlFor="orderTag">Tag on FBT orders (Shopify only)</label>
          <input
            id="orderTag"
            value={shopify ? tag : ''}
            onChange={(e) => setTag(e.target.value)}
            disabled={!shopify}
            aria-invalid={errors.get('orderTag') ? true : undefined}
            aria-describedby={`orderTag-help${errors.get('orderTag') ? ' orderTag-errors' : ''}`}
            maxLength={80}
          />
          <p id="orderTag-help" className="help">
            {shopify
              ? '1 to 40 characters, no commas; empty for no tag.'
              : `Tags are a Shopify option; this store is on ${store.platform}.`}
          </p>
          <FieldErrors id="orderTag-errors" errors={errors.get('orderTag')} />
        </div>
        <FieldErrors id="form-errors" errors={errors.get('')} />
        {saved && <p role="status">Saved.</p>}
        <button type="submit" disabled={busy || store.availableFbtSyncModes.length === 0}>
          {busy ? 'Saving…' : 'Save rules'}
        </button>
      </form>
    </>
  );
}
