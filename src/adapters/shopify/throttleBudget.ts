/** Shopify's `extensions.cost.throttleStatus`: the app's leaky bucket on one shop. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/**
 * Milliseconds until `cost` points are available in a bucket that held
 * `available` points; 0 when they are there now, or when waiting cannot help
 * (the cost exceeds the bucket, or the bucket never refills).
 */
export function msUntilAvailable(cost: number, available: number, status: ThrottleStatus): number {
  const missing = cost - available;
  if (missing <= 0 || cost > status.maximumAvailable || status.restoreRate <= 0) return 0;
  return Math.ceil((missing / status.restoreRate) * 1000);
}

/**
 * Our estimate of each shop's bucket, from the last throttleStatus Shopify
 * sent, refilled at its restoreRate since. A request spends its points up
 * front, so concurrent requests to one shop queue behind each other instead
 * of all reading the same stale figure.
 */
export interface ThrottleBudget {
  /** How long a request costing `cost` points must wait; 0 for a shop not seen yet. */
  waitFor(shop: string, cost: number): number;
  /** Takes the points from the estimate (below zero means later requests wait longer). */
  spend(shop: string, cost: number): void;
  /** Replaces the estimate with what Shopify reported. */
  observe(shop: string, status: ThrottleStatus): void;
}

interface Bucket {
  status: ThrottleStatus;
  seenAt: number;
}

export function createThrottleBudget(now: () => number): ThrottleBudget {
  const buckets = new Map<string, Bucket>();

  function availableNow(bucket: Bucket): number {
    const restored = (bucket.status.restoreRate * (now() - bucket.seenAt)) / 1000;
    return Math.min(
      bucket.status.maximumAvailable,
      bucket.status.currentlyAvailable + Math.max(0, restored),
    );
  }

  return {
    waitFor(shop, cost) {
      const bucket = buckets.get(shop);
      return bucket === undefined ? 0 : msUntilAvailable(cost, availableNow(bucket), bucket.status);
    },
    spend(shop, cost) {
      const bucket = buckets.get(shop);
      if (bucket === undefined) return;
      buckets.set(shop, {
        status: { ...bucket.status, currentlyAvailable: availableNow(bucket) - cost },
        seenAt: now(),
      });
    },
    observe(shop, status) {
      buckets.set(shop, { status, seenAt: now() });
    },
  };
}
