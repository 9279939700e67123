export * from './money';
export * from './check';
export * from './rate';
export * from './split';
export * from './dates';
export * from './fees';
export * from './identifiers';
