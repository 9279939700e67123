export * from './databases';
export * from './processes';
export * from './demo';
