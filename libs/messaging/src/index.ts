export * from './deliver';
export * from './embedded-transport';
export * from './kafka-security';
export * from './kafka-transport';
export * from './message';
export * from './nest-transport';
export * from './contract-check';
