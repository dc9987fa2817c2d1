/**
 * Who calls the API, as a verified token says: an admin sees and changes
 * everything; a store sees and changes only its own store and its orders.
 */
export type Viewer =
  { role: 'admin'; sub: string } | { role: 'store'; sub: string; storeId: string };

/** Whether the viewer may see (and change) this store and its orders. */
export function canAccessStore(viewer: Viewer, storeId: string): boolean {
  return viewer.role === 'admin' || viewer.storeId === storeId;
}
