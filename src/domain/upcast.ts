import { DEFAULT_FBT_SYNC_MODE, type FbtSyncMode } from './storeVocabulary';

/** A stored event as the event store reads it; only the parts upcasting looks at. */
export interface StoredEvent {
  type: string;
  data: unknown;
  metadata: { schemaVersion: number; [key: string]: unknown };
}

/**
 * OrderPlaced, schema version 1: the rules in force were two flat fields,
 * `fbtSyncMode` and `fbtOrderTag`, and the store's platform and plan were
 * not recorded. Version 2 nests the rules under `rules` and records `store`.
 */
interface OrderPlacedV1 {
  fbtSyncMode?: FbtSyncMode | null;
  fbtOrderTag?: string | null;
  platform?: string;
  plan?: string;
  placedAt: string;
  [key: string]: unknown;
}

function orderPlacedV1toV2(data: OrderPlacedV1): Record<string, unknown> {
  const { fbtSyncMode, fbtOrderTag, platform, plan, ...rest } = data;
  return {
    ...rest,
    store: { platform: platform ?? 'SHOPIFY', plan: plan ?? 'FREE' },
    rules: { mode: fbtSyncMode ?? DEFAULT_FBT_SYNC_MODE, orderTag: fbtOrderTag ?? null },
    recordedAt: rest.recordedAt ?? data.placedAt,
  };
}

/**
 * The one place where a stored event of an older schema version is brought to
 * the current shape, as it is read. Every reader of the log sees only current
 * shapes; the stored row is never rewritten.
 */
export function upcast<E extends StoredEvent>(event: E): E {
  if (event.type === 'OrderPlaced' && event.metadata.schemaVersion === 1) {
    return {
      ...event,
      data: orderPlacedV1toV2(event.data as OrderPlacedV1),
      metadata: { ...event.metadata, schemaVersion: 2, upcastFrom: 1 },
    };
  }
  return event;
}
