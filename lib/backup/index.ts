// Filled in by the backup work; exported from lib/index.ts.
export {};
