export * from './config';
export * from './embedded-postgres';
export * from './health.controller';
export * from './platform';
export * from './auth/auth';
export * from './reference-data/reference-data';
export * from './reference-data/reference-data.consumer';
export * from './api-docs.controller';
