export * from './cluster-connections';
export * from './engine-network-profile';
export * from './hba-rule';
export * from './network-peer';
export * from './network-security';
export * from './pool-connections';
export * from './tls';
export * from './secret-access';
