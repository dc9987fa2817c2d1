import { inventoryProjection } from './inventoryProjection';
import { ordersProjection } from './ordersProjection';
import type { Projection } from './projection';
import { storesProjection } from './storesProjection';

/** Every read model, in the order replay and verify go through them. */
export const allProjections: readonly Projection[] = [
  storesProjection,
  ordersProjection,
  inventoryProjection,
];

export function projectionNamed(name: string): Projection | undefined {
  return allProjections.find((p) => p.name === name);
}
