export * from '../model/pool-mode';
export * from './pgbouncer-pool-props';
export * from './pgbouncer-pool';
