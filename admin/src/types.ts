/** The shapes of the API's answers, as the app asks for them (see queries.ts). */

export type SyncStatus = 'PENDING' | 'BLOCKED' | 'SYNCED' | 'FAILED' | 'CANCELLED';
export type FbtSyncMode = 'SYNC_AND_DEDUCT_INVENTORY' | 'WAIT_FOR_AWAITING_COLLECTION';

export interface OrderCounts {
  pending: number;
  blocked: number;
  synced: number;
  failed: number;
  cancelled: number;
}

export interface OrderSummary {
  id: string;
  tiktokOrderId: string;
  fulfillmentType: 'FULFILLED_BY_TIKTOK' | 'FULFILLED_BY_SELLER';
  isFbt: boolean;
  tiktokStatus: string;
  syncStatus: SyncStatus;
  blockedReason: string | null;
  failureReason: string | null;
  syncAttempts: number;
  appliedFbtSyncMode: FbtSyncMode | null;
  platformOrderId: string | null;
  platformOrderStatus: string | null;
  tags: string[];
  inventoryDeductedFrom: string | null;
  currency: string;
  totalAmount: string;
  placedAt: string;
  syncedAt: string | null;
  updatedAt: string;
  version: number;
}

export interface RecordedEvent {
  globalPosition: string;
  streamVersion: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export interface OrderDetail extends OrderSummary {
  store: { id: string; name: string; platform: string };
  lineItems: Array<{ sku: string; title: string | null; quantity: number; unitPrice: string }>;
  history: RecordedEvent[];
}

export interface StoreSummary {
  id: string;
  name: string;
  platform: string;
  plan: string;
  shopDomain: string | null;
  fbtSyncRules: { mode: FbtSyncMode };
  orderCounts: OrderCounts;
}
