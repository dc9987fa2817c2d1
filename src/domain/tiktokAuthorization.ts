import { DomainError, Problems } from './domainError';

/*
 * A store's authorization of the app on TikTok Shop. The events say what
 * happened (authorized, with which scopes; revoked, and why); the tokens and
 * the shop cipher they came with are secrets and live in the credential
 * vault, never here: the log is exported, audited and replayed.
 */

/** The seller authorized the app for the store's TikTok shop (again, when the scopes changed). */
export interface TikTokShopAuthorized {
  type: 'TikTokShopAuthorized';
  data: {
    storeId: string;
    tiktokShopId: string;
    shopName?: string;
    region?: string;
    /** Sorted, without duplicates: two authorizations with the same scopes compare equal. */
    grantedScopes: string[];
    authorizedAt: string;
    authorizedBy: string;
  };
}

/** The seller revoked the app (TikTok's deauthorization webhook), or its tokens stopped working for good. */
export interface TikTokShopDeauthorized {
  type: 'TikTokShopDeauthorized';
  data: {
    storeId: string;
    tiktokShopId: string;
    reason: string;
    deauthorizedAt: string;
    deauthorizedBy: string;
  };
}

export type TikTokAuthorizationEvent = TikTokShopAuthorized | TikTokShopDeauthorized;

export type TikTokAuthorizationState = 'AUTHORIZED' | 'DEAUTHORIZED';

/** Null until the store's seller first authorized the app. */
export interface TikTokAuthorization {
  state: TikTokAuthorizationState;
  /** The scopes of the last authorization (kept after a deauthorization, for the record). */
  grantedScopes: string[];
  /** When the state was entered. */
  at: string;
}

export interface RecordTikTokAuthorization {
  type: 'RecordTikTokAuthorization';
  data: {
    /** The shop TikTok says was authorized; it must be the store's. */
    tiktokShopId: string;
    shopName: string | null;
    region: string | null;
    grantedScopes: string[];
    now: string;
    actor: string;
  };
}

export interface RecordTikTokDeauthorization {
  type: 'RecordTikTokDeauthorization';
  data: {
    tiktokShopId: string;
    reason: string;
    /**
     * When TikTok sent the notification (ISO-8601 UTC, as toISOString writes it), if it came from one: a revocation
     * sent before the store's latest authorization is stale (the seller
     * authorized the app again since) and changes nothing.
     */
    notifiedAt?: string;
    now: string;
    actor: string;
  };
}

export type TikTokAuthorizationCommand = RecordTikTokAuthorization | RecordTikTokDeauthorization;

/**
 * What these decisions need of the store: a Store fits. Named here, not
 * imported from storeDecider, which imports this file.
 */
export interface TikTokAuthorizationStore {
  storeId: string;
  tiktokShopId: string;
  tiktokAuthorization: TikTokAuthorization | null;
  updatedAt: string;
}

export const MAX_GRANTED_SCOPES = 500;
const MAX_SCOPE_LENGTH = 200;
const MAX_SHOP_TEXT_LENGTH = 200;
export const MAX_DEAUTHORIZATION_REASON_LENGTH = 500;
const printable = (text: string) => !/[\p{Cc}\p{Cs}]/u.test(text);

function checkShop(tiktokShopId: string, store: TikTokAuthorizationStore): void {
  if (tiktokShopId !== store.tiktokShopId) {
    throw DomainError.of(
      'INVALID_INPUT',
      ['tiktokShopId'],
      `TikTok shop ${tiktokShopId} is not this store's shop (${store.tiktokShopId})`,
    );
  }
}

/** An optional text of TikTok's (shop name, region): trimmed, null when empty. */
function shopText(value: string | null, field: string, problems: Problems): string | undefined {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return undefined;
  if (trimmed.length > MAX_SHOP_TEXT_LENGTH || !printable(trimmed)) {
    problems.invalid(
      [field],
      `${field} must be at most ${MAX_SHOP_TEXT_LENGTH} printable characters`,
    );
  }
  return trimmed;
}

function normalizeScopes(scopes: readonly string[], problems: Problems): string[] {
  if (!Array.isArray(scopes) || scopes.length > MAX_GRANTED_SCOPES) {
    problems.invalid(
      ['grantedScopes'],
      `grantedScopes must be a list of at most ${MAX_GRANTED_SCOPES}`,
    );
    return [];
  }
  const found = new Set<string>();
  for (const scope of scopes) {
    const trimmed = typeof scope === 'string' ? scope.trim() : '';
    if (trimmed === '' || trimmed.length > MAX_SCOPE_LENGTH || !printable(trimmed)) {
      problems.invalid(
        ['grantedScopes'],
        `each granted scope must be 1 to ${MAX_SCOPE_LENGTH} printable characters`,
      );
      return [];
    }
    found.add(trimmed);
  }
  return [...found].sort();
}

const sameScopes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((scope, i) => scope === b[i]);

/**
 * An authorization of the store's shop: recorded when the store was not
 * authorized, or was with other scopes; the same authorization again (the
 * seller going through the page twice) appends nothing.
 */
export function decideTikTokAuthorization(
  { data }: RecordTikTokAuthorization,
  store: TikTokAuthorizationStore,
): TikTokShopAuthorized[] {
  checkShop(data.tiktokShopId, store);
  const problems = new Problems();
  const grantedScopes = normalizeScopes(data.grantedScopes, problems);
  const shopName = shopText(data.shopName, 'shopName', problems);
  const region = shopText(data.region, 'region', problems);
  problems.throwIfAny();
  const current = store.tiktokAuthorization;
  if (current?.state === 'AUTHORIZED' && sameScopes(current.grantedScopes, grantedScopes)) {
    return [];
  }
  return [
    {
      type: 'TikTokShopAuthorized',
      data: {
        storeId: store.storeId,
        tiktokShopId: store.tiktokShopId,
        ...(shopName === undefined ? {} : { shopName }),
        ...(region === undefined ? {} : { region }),
        grantedScopes,
        authorizedAt: data.now,
        authorizedBy: data.actor,
      },
    },
  ];
}

/**
 * A revocation: recorded once. A store already deauthorized appends nothing
 * (TikTok redelivers webhooks); a store that never authorized on its own
 * (the one-store set-up's global token) is recorded too, since its seller
 * revoked the app all the same.
 */
export function decideTikTokDeauthorization(
  { data }: RecordTikTokDeauthorization,
  store: TikTokAuthorizationStore,
): TikTokShopDeauthorized[] {
  checkShop(data.tiktokShopId, store);
  const reason = data.reason.trim();
  if (reason === '' || reason.length > MAX_DEAUTHORIZATION_REASON_LENGTH || !printable(reason)) {
    throw DomainError.of(
      'INVALID_INPUT',
      ['reason'],
      `reason must be 1 to ${MAX_DEAUTHORIZATION_REASON_LENGTH} printable characters`,
    );
  }
  const current = store.tiktokAuthorization;
  if (current?.state === 'DEAUTHORIZED') return [];
  // Both instants are toISOString() text (UTC, milliseconds): they compare as strings.
  if (
    current?.state === 'AUTHORIZED' &&
    data.notifiedAt !== undefined &&
    data.notifiedAt < current.at
  ) {
    return [];
  }
  return [
    {
      type: 'TikTokShopDeauthorized',
      data: {
        storeId: store.storeId,
        tiktokShopId: store.tiktokShopId,
        reason,
        deauthorizedAt: data.now,
        deauthorizedBy: data.actor,
      },
    },
  ];
}

/** The store after one of these events. */
export function evolveTikTokAuthorization<S extends TikTokAuthorizationStore>(
  store: S,
  event: TikTokAuthorizationEvent,
): S {
  switch (event.type) {
    case 'TikTokShopAuthorized':
      return {
        ...store,
        tiktokAuthorization: {
          state: 'AUTHORIZED',
          grantedScopes: event.data.grantedScopes,
          at: event.data.authorizedAt,
        },
        updatedAt: event.data.authorizedAt,
      };
    case 'TikTokShopDeauthorized':
      return {
        ...store,
        tiktokAuthorization: {
          state: 'DEAUTHORIZED',
          grantedScopes: store.tiktokAuthorization?.grantedScopes ?? [],
          at: event.data.deauthorizedAt,
        },
        updatedAt: event.data.deauthorizedAt,
      };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
