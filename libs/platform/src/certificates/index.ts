export * from './canonical';
export * from './certificate';
export * from './signing';
