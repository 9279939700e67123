export * from './config';
export * from './embedded-postgres';
export * from './health.controller';
export * from './platform';
