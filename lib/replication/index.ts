export * from './publication';
export * from './subscription';
export * from './blue-green-upgrade';
export * from './in-place-upgrade';
export * from './pool-switch';
