export * from './api-key-issued/api-key-issued.v1';
export * from './guarantee-ceded/guarantee-ceded.v1';
export * from './guarantee-issued/guarantee-issued.v1';
export * from './loan-filed/loan-filed.v1';
export * from './loan-rejected/loan-rejected.v1';
export * from './participant-registered/participant-registered.v1';
export * from './programme-published/programme-published.v1';
