export * from './database';
export * from './database-role';
export * from './grant';
export { ImageFlavour } from './extension-catalog';
