export * from './pool-mode';
export * from './pgbouncer-pool-props';
export * from './pgbouncer-pool';
