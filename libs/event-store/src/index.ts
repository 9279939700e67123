export * from './database';
export * from './event-store';
export * from './json';
export * from './log';
export * from './migrations';
export * from './outbox';
export * from './schema';
export * from './subscription';
