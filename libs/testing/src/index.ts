export * from './databases';
export * from './processes';
export * from './decider-specification';
export * from './demo';
export * from './kafka';
export * from './secured-kafka';
export * from './prometheus';
export * from './otlp-receiver';
