import { usccCheckCharacter } from '@g2g/domain';
import { OtlpReceiver, ReceivedSpan, eventually } from '@g2g/testing';
import { demoProgrammeDocument } from '../libs/domain/src/programme/demo-programme.fixture';
import { DEMO_PARTICIPANTS, LOAN_FIELDS, TestPlatform, csv } from './support/platform';

// Traces over real Kafka: five service processes export their spans by OTLP/HTTP (configured by
// the standard OTEL_* variables only) to a collector kept by this test in memory. One batch upload
// must come out as one trace, from the HTTP request in intake through underwriting and cession to
// reporting, each consumer's span a child of the span that wrote the message it read.

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

describe('one trace per batch, across the services', () => {
  const receiver = new OtlpReceiver();
  let platform: TestPlatform;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    platform = new TestPlatform({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
    await platform.start();
    await platform.publish(DEMO_PARTICIPANTS, [{ ...demoProgrammeDocument, id: 'P1' }]);
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
  });

  it('follows the upload through intake, underwriting, cession and reporting, each step under the one that caused it', async () => {
    const rows = [
      `T-1,USCC,${uscc('91110105MA0000101')},追踪一号有限公司,micro,C1311,110105,N,N,100000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`,
      `T-2,USCC,${uscc('91110105MA0000102')},追踪二号有限公司,small,C1311,110105,N,N,200000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`,
    ];
    expect((await platform.file('ICBC', 'batches', 'TRACED', csv(LOAN_FIELDS, rows), { programme: 'P1' })).status).toBe(202);
    expect(await platform.complete('ICBC', 'batches', 'TRACED')).toMatchObject({ rows: 2, approved: 2 });

    let trace: ReceivedSpan[] = [];
    await eventually(async () => {
      const upload = receiver.spans.find((s) => s.service === 'g2g-intake' && s.attributes['g2g.batch'] === 'ICBC/batches/TRACED');
      if (!upload) return false;
      trace = receiver.spans.filter((s) => s.traceId === upload.traceId);
      const groups = new Set(trace.map((s) => s.attributes['messaging.consumer.group.name']));
      return ['underwriting.decide-loans', 'intake.outcomes'].every((g) => groups.has(g)) && ['cession.', 'compensation.', 'reporting.'].every((p) => [...groups].some((g) => String(g).startsWith(p)));
    }, 60_000, 'the spans of the upload, from every service');

    // compensation too: it keeps the guarantees it may one day pay claims on
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['g2g-intake', 'g2g-underwriting', 'g2g-cession', 'g2g-compensation', 'g2g-reporting']));
    // one tree: every span but the upload's has its parent in the trace
    const ids = new Set(trace.map((s) => s.spanId));
    const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.map((s) => [s.name, s.attributes['http.response.status_code']])).toEqual([['PUT /banks/:bank/:segment/:batchRef', 202]]);
    // underwriting decided the chunk in a consumer span of its own, and its transaction ran under it
    const decide = trace.find((s) => s.attributes['messaging.consumer.group.name'] === 'underwriting.decide-loans')!;
    expect(decide).toMatchObject({ service: 'g2g-underwriting', kind: 5, name: 'process g2g.intake.loans-filed.v2' });
    expect(trace.find((s) => s.spanId === decide.parentSpanId)?.service).toBe('g2g-intake');
    expect(trace.some((s) => s.parentSpanId === decide.spanId && s.name === 'db.transaction')).toBe(true);
    // nothing personal in what is exported
    const exported = JSON.stringify(receiver.spans);
    for (const r of rows) for (const field of r.split(',').slice(2, 4)) expect(exported).not.toContain(field);
  }, 180_000);
});
