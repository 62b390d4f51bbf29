// Filled in by the pooler work; exported from lib/index.ts.
export {};
