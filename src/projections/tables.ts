// The read models' tables are added here by the read-model work.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProjectionTables {}
