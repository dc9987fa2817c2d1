// The sandbox platform's tables are added here by the platform-sync work.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SandboxTables {}
