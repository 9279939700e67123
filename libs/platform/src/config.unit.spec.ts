import { readConfig } from './config';

describe('readConfig: KAFKA_NAMESPACE', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['ceo', 'ceo.'],
    [' ceo ', 'ceo.'],
    ['ceo.', 'ceo.'],
    ['ceo-', 'ceo-'],
    ['ceo_', 'ceo_'],
    ['e2e-run1.', 'e2e-run1.'],
  ])('%p names the topics with the prefix %p', (value, prefix) => {
    expect(readConfig({ KAFKA_NAMESPACE: value }).kafkaNamespace).toBe(prefix);
  });
});
