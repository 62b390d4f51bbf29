export * from './patroni-dcs';
export * from './patroni-engine';
export * from './patroni-synchronous-mode';
export * from './patroni-timing-props';
export * from './patroni-version';
