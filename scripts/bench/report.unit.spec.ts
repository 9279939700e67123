import { PipelineSample } from './pipeline-probe';
import { sliceRates } from './report';

const sample = (t: number, decided: number): PipelineSample => ({ t, filed: decided, decided, approved: decided, unrelayed: {}, produced: {}, lag: {}, deadLetters: 0, probeMs: 1 } as PipelineSample);

describe('throughput per slice of the batch', () => {
  it('times each 100,000-row boundary between the samples around it, and gives each slice its rate', () => {
    // 0..100k in 10 s, then a slower 100k..300k in 40 s: the second and third slices at 5,000/s
    const slices = sliceRates([sample(0, 0), sample(5, 50_000), sample(10, 100_000), sample(30, 200_000), sample(50, 300_000)], 300_000);
    expect(slices.map((s) => [s.slice, s.from, s.to, Math.round(s.perSecond)])).toEqual([
      ['0-100,000', 0, 10, 10_000],
      ['100,000-200,000', 10, 30, 5_000],
      ['200,000-300,000', 30, 50, 5_000],
    ]);
  });

  it('cuts a small batch in tenths, interpolates, and leaves out a slice never finished', () => {
    const slices = sliceRates([sample(0, 0), sample(4, 400), sample(8, 800)], 1_000);
    expect(slices).toHaveLength(8);
    expect(slices[2]).toMatchObject({ slice: '200-300', from: 2, to: 3, perSecond: 100 });
  });
});
