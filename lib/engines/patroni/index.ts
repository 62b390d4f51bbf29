// Filled in by the engines/patroni work; exported from lib/index.ts.
export {};
