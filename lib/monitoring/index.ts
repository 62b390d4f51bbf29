// Filled in by the monitoring work; exported from lib/index.ts.
export {};
