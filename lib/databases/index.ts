export * from './database';
export * from './database-role';
export * from '../model/grant';
export { ImageFlavour } from '../model/extension-catalog';
