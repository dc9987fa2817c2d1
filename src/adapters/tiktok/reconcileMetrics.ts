import { Counter, Gauge, type Registry } from 'prom-client';

export const RECONCILE_RUN_OUTCOMES = ['completed', 'failed', 'skipped'] as const;
export type ReconcileRunOutcome = (typeof RECONCILE_RUN_OUTCOMES)[number];

export interface ReconcileMetrics {
  found(count: number): void;
  missing(count: number): void;
  statusChanges(count: number): void;
  /** Cancellations after sync and completed refunds recorded (their webhooks were lost). */
  afterSyncFacts(fact: 'cancellation' | 'refund', count: number): void;
  run(outcome: ReconcileRunOutcome): void;
}

/** Counters of what reconciliation finds, and the watermarks' lag read from the database at scrape time. */
export function createReconcileMetrics(
  registry: Registry,
  readLags: () => Promise<Array<{ storeId: string; lagSeconds: number }>>,
  onLagError: (error: unknown) => void = () => {},
): ReconcileMetrics {
  const counter = (name: string, help: string) =>
    new Counter({ name, help, registers: [registry] });
  const found = counter(
    'fbt_sync_reconcile_orders_found_total',
    "Orders TikTok Shop's order search returned to reconciliation.",
  );
  const missing = counter(
    'fbt_sync_reconcile_orders_missing_total',
    'Orders reconciliation found that were not known before (their webhooks were lost), now recorded.',
  );
  const changes = counter(
    'fbt_sync_reconcile_status_changes_total',
    'Status changes of known orders that reconciliation applied (their webhooks were lost).',
  );
  const facts = new Counter({
    name: 'fbt_sync_reconcile_after_sync_facts_total',
    help: 'Cancellations after sync and completed returns reconciliation recorded (their webhooks were lost), by fact.',
    labelNames: ['fact'],
    registers: [registry],
  });
  for (const fact of ['cancellation', 'refund']) facts.inc({ fact }, 0);
  const runs = new Counter({
    name: 'fbt_sync_reconcile_runs_total',
    help: 'Reconciliation runs of one store, by outcome (skipped: another process held its lock).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of RECONCILE_RUN_OUTCOMES) runs.inc({ outcome }, 0);
  // Read from the table at scrape time, so every process reports every store, leader or not.
  new Gauge({
    name: 'fbt_sync_reconcile_watermark_lag_seconds',
    help: "Seconds from a store's reconcile watermark (orders updated before it have been searched and applied) to now.",
    labelNames: ['store_id'],
    registers: [registry],
    async collect() {
      try {
        const lags = await readLags();
        this.reset();
        for (const { storeId, lagSeconds } of lags) this.set({ store_id: storeId }, lagSeconds);
      } catch (error) {
        onLagError(error);
      }
    },
  });
  return {
    found: (count) => found.inc(count),
    missing: (count) => missing.inc(count),
    statusChanges: (count) => changes.inc(count),
    afterSyncFacts: (fact, count) => facts.inc({ fact }, count),
    run: (outcome) => runs.inc({ outcome }),
  };
}
