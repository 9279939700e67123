import { parsePrometheusText, samplesOf } from './prometheus';

describe('reading the Prometheus text format', () => {
  it('reads names, labels (escapes included) and values', () => {
    const text = [
      '# HELP g2g_x a help line',
      '# TYPE g2g_x gauge',
      'g2g_x{service="intake",route="/a/\\"b\\""} 3',
      'g2g_y_bucket{le="+Inf"} 12',
      'process_cpu_seconds_total 0.5 1700000000000',
      '',
    ].join('\n');
    const samples = parsePrometheusText(text);
    expect(samples).toEqual([
      { name: 'g2g_x', labels: { service: 'intake', route: '/a/"b"' }, value: 3 },
      { name: 'g2g_y_bucket', labels: { le: '+Inf' }, value: 12 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 0.5 },
    ]);
    expect(samplesOf(samples, 'g2g_x', { service: 'intake' })).toHaveLength(1);
    expect(samplesOf(samples, 'g2g_x', { service: 'cession' })).toHaveLength(0);
  });

  it('refuses what is not a sample line', () => {
    expect(() => parsePrometheusText('g2g_x{service=intake} 1')).toThrow(/malformed labels/);
    expect(() => parsePrometheusText('g2g-x 1')).toThrow(/not a Prometheus sample/);
    expect(() => parsePrometheusText('g2g_x one')).toThrow(/not a sample value/);
  });
});
