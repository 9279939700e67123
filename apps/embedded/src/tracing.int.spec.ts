import { usccCheckCharacter } from '@g2g/domain';
import { readConfig, runServices } from '@g2g/platform';
import { DEMO_PARTICIPANTS, eventually } from '@g2g/testing';
import { InMemorySpanExporter, NodeTracerProvider, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProgrammeDocument } from '../../../libs/domain/src/programme/demo-programme.fixture';
import { cessionService } from '../../cession/src/cession.module';
import { compensationService } from '../../compensation/src/compensation.module';
import { intakeService } from '../../intake/src/intake.module';
import { reportingService } from '../../reporting/src/reporting.module';
import { underwritingService } from '../../underwriting/src/underwriting.module';

// Traces in the embedded platform: the same spans as over Kafka (test/tracing.e2e.spec.ts), the
// messages read from the producers' outbox and log in the one database. An in-memory exporter
// registered here takes every span the platform makes in this process.

jest.setTimeout(120_000);

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);
const FIELDS = 'loan_id,borrower_id_type,borrower_id,borrower_name,borrower_type,industry_code,region_code,sci_tech,agri_related,principal,currency,interest_rate_pct,guarantee_fee_rate_pct,disbursed_on,matures_on';

describe('one trace per batch in the embedded platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'g2g-tracing-data-'));
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  afterAll(async () => {
    await provider.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows the upload from the HTTP request through every consumer, each under the span that wrote what it read', async () => {
    provider.register();
    const send = process.send;
    const key = process.env.G2G_OPERATOR_KEY;
    process.send = undefined;
    const operatorKey = 'tracing-test-operator-key';
    process.env.G2G_OPERATOR_KEY = operatorKey;
    const platform = await runServices([intakeService, underwritingService, cessionService, compensationService, reportingService], readConfig({ G2G_MODE: 'embedded', G2G_DATA_DIR: dataDir, G2G_INBOX_DIR: '', PORT: '0', G2G_OPERATOR_KEY_FILE: join(dataDir, 'operator-key') }));
    const call = async (method: string, path: string, auth: string, body?: string, type = 'application/json') => {
      const res = await fetch(`${platform.url}${path}`, { method, headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': type } : {}) }, body });
      return { status: res.status, body: (await res.json()) as any };
    };
    try {
      expect((await call('POST', '/participants', operatorKey, JSON.stringify(DEMO_PARTICIPANTS))).status).toBe(201);
      expect((await call('POST', '/programmes', operatorKey, JSON.stringify({ ...demoProgrammeDocument, id: 'P1' }))).status).toBe(201);
      const bank = (await call('POST', '/participants/ICBC/api-keys', operatorKey)).body.key;
      const rows = [`T-1,USCC,${uscc('91110105MA0000101')},追踪一号有限公司,micro,C1311,110105,N,N,100000.00,CNY,4.50,0.80,2025-03-01,2026-03-01`];
      let filed = { status: 0, body: {} as any };
      await eventually(async () => {
        filed = await call('PUT', '/banks/ICBC/batches/TRACED?programme=P1', bank, [FIELDS, ...rows].join('\r\n') + '\r\n', 'text/csv');
        return filed.status !== 401 && filed.body?.code !== 'UNKNOWN_PROGRAMME';
      }, 30_000, 'intake to know the key and the programme');
      expect(filed.status).toBe(202);

      const groupOf = (s: ReadableSpan) => String(s.attributes['messaging.consumer.group.name'] ?? '');
      let trace: ReadableSpan[] = [];
      await eventually(async () => {
        const spans = exporter.getFinishedSpans();
        const upload = spans.find((s) => s.name === 'PUT /banks/:bank/:segment/:batchRef' && s.attributes['http.response.status_code'] === 202);
        if (!upload) return false;
        trace = spans.filter((s) => s.spanContext().traceId === upload.spanContext().traceId);
        const groups = trace.map(groupOf);
        return ['underwriting.decide-loans', 'intake.outcomes'].every((g) => groups.includes(g)) && ['cession.', 'compensation.', 'reporting.'].every((p) => groups.some((g) => g.startsWith(p)));
      }, 60_000, 'the spans of the upload, from every service');

      const ids = new Set(trace.map((s) => s.spanContext().spanId));
      const roots = trace.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId));
      expect(roots.map((s) => s.name)).toEqual(['PUT /banks/:bank/:segment/:batchRef']);
      const decide = trace.find((s) => groupOf(s) === 'underwriting.decide-loans')!;
      expect(decide.name).toBe('process g2g.intake.loans-filed.v2');
      expect(decide.attributes['messaging.system']).toBe('embedded');
    } finally {
      await platform.stop();
      process.send = send;
      if (key === undefined) delete process.env.G2G_OPERATOR_KEY;
      else process.env.G2G_OPERATOR_KEY = key;
    }
  });
});
