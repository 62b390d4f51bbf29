export * from './manifest-checks';
export * from './network-policy-model';
