import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

/** The trouble the sandbox simulates, as createSandboxPlatform reads it on every call. */
export interface SandboxSettings {
  /** Until then, every call fails with UNAVAILABLE (as a platform outage would). */
  unavailableUntil: Date | null;
  /** Whether unavailableUntil lies ahead by the database's clock. */
  unavailable: boolean;
  /** Every answer comes this late; from the platform's timeout on, the call fails with TIMEOUT. */
  latencyMs: number;
  /** createOrder refuses (REJECTED) an order with any of these SKUs, as for an unknown product. */
  rejectSkus: string[];
}

const NO_TROUBLE: SandboxSettings = {
  unavailableUntil: null,
  unavailable: false,
  latencyMs: 0,
  rejectSkus: [],
};

export async function readSandboxSettings(db: Kysely<Database>): Promise<SandboxSettings> {
  const row = await db
    .selectFrom('sandbox_settings')
    .select([
      'unavailable_until',
      'latency_ms',
      'reject_skus',
      sql<boolean>`coalesce(unavailable_until > now(), false)`.as('unavailable'),
    ])
    .executeTakeFirst();
  if (row === undefined) return NO_TROUBLE;
  return {
    unavailableUntil: row.unavailable_until,
    unavailable: row.unavailable,
    latencyMs: row.latency_ms,
    rejectSkus: row.reject_skus,
  };
}

/**
 * Changes what the sandbox simulates; a running `serve` sees it at its next
 * call. The same as an operator's
 * `UPDATE sandbox_settings SET unavailable_until = now() + interval '5 minutes'`.
 */
export async function updateSandboxSettings(
  db: Kysely<Database>,
  change: Partial<Pick<SandboxSettings, 'unavailableUntil' | 'latencyMs' | 'rejectSkus'>>,
): Promise<void> {
  await db
    .updateTable('sandbox_settings')
    .set({
      ...(change.unavailableUntil !== undefined && { unavailable_until: change.unavailableUntil }),
      ...(change.latencyMs !== undefined && { latency_ms: change.latencyMs }),
      ...(change.rejectSkus !== undefined && { reject_skus: change.rejectSkus }),
    })
    .execute();
}
