import { Counter, type Registry } from 'prom-client';

export interface MirrorMetrics {
  attempts: Counter<'mirroring'>;
  /** By kind of mirroring and whether an earlier attempt had made it already. */
  mirrored: Counter<'mirroring' | 'already_on_platform'>;
  /** Final failures: the mirroring is FAILED until a person retries it. */
  failed: Counter<'mirroring' | 'kind'>;
  /** Retryable failures with another attempt scheduled. */
  retried: Counter<'mirroring' | 'kind'>;
  /** Errors that are not the platform's (a bug, the database gone): the mirroring stays queued. */
  unexpected: Counter;
}

/** Once per registry: prom-client refuses a metric registered twice. */
export function createMirrorMetrics(registry: Registry): MirrorMetrics {
  const registers = [registry];
  return {
    attempts: new Counter({
      name: 'fbt_sync_mirroring_attempts_total',
      help: 'Mirroring attempts started (PlatformMirroringStarted), by kind (CANCEL_ORDER, CANCEL_LINES, REFUND, RELEASE_HOLD).',
      labelNames: ['mirroring'],
      registers,
    }),
    mirrored: new Counter({
      name: 'fbt_sync_mirrorings_done_total',
      help: 'Mirrorings done on the platform, by kind; already_on_platform when an earlier attempt had made the effect.',
      labelNames: ['mirroring', 'already_on_platform'],
      registers,
    }),
    failed: new Counter({
      name: 'fbt_sync_mirrorings_failed_total',
      help: 'Mirrorings FAILED: refused by the platform, or out of attempts. By kind and platform error kind.',
      labelNames: ['mirroring', 'kind'],
      registers,
    }),
    retried: new Counter({
      name: 'fbt_sync_mirroring_retries_total',
      help: 'Retryable mirroring failures after which another attempt was scheduled. By kind and platform error kind.',
      labelNames: ['mirroring', 'kind'],
      registers,
    }),
    unexpected: new Counter({
      name: 'fbt_sync_mirroring_unexpected_errors_total',
      help: 'Mirroring attempts cut short by an error that is not the platform answering (the mirroring stays queued).',
      registers,
    }),
  };
}
