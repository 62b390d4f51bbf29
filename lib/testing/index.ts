export * from './manifest-checks';
