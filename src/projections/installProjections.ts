import type { ServiceParts } from '../serviceParts';
import { startProjectionRunners } from './runProjections';

/** serve runs every projection on the live tables (each led by one process at a time). */
export function installProjections(parts: ServiceParts): void {
  const { database, eventStore, log, registry } = parts;
  const runners = startProjectionRunners({
    db: database.db,
    url: database.url,
    eventStore,
    log: log.child({ component: 'projections' }),
    registry,
    refusals: database.refusals,
  });
  parts.onStop(() => runners.stop());
}
