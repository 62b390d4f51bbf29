export * from './cluster-connections';
export * from '../model/engine-network-profile';
export * from '../model/hba-rule';
export * from '../model/network-peer';
export * from '../model/network-security';
export * from './pool-connections';
export * from '../model/tls';
export * from './secret-access';
