import { keepLogFields, withLogFields } from '@g2g/event-store';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Writable } from 'node:stream';
import { JsonLogger, logSettings } from './logger';

const captured = () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream: stream as unknown as NodeJS.WritableStream & { write(s: string): boolean } };
};

describe('the JSON logs', () => {
  it('write one object a line: level by name, time, service, context and message', () => {
    const { lines, stream } = captured();
    new JsonLogger('intake', 'info', stream).warn('relay waits', 'g2g');
    expect(lines).toEqual([{ level: 'warn', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'intake', context: 'g2g', msg: 'relay waits' }]);
  });

  it('leave out what is below LOG_LEVEL', () => {
    const { lines, stream } = captured();
    const log = new JsonLogger('intake', 'warn', stream);
    log.log('routine');
    log.debug('detail');
    log.error('failed', undefined, 'http');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'failed']]);
  });

  it('carry the correlation ids of the work under way: its fields, and the trace and span', () => {
    keepLogFields(true);
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
    provider.register();
    const { lines, stream } = captured();
    const log = new JsonLogger('underwriting', 'info', stream);
    trace.getTracer('test').startActiveSpan('process', (span) => {
      withLogFields({ consumer: 'underwriting.decide-loans', message_id: 'intake:e:42' }, () => withLogFields({ batch: 'ICBC/batches/A' }, () => log.log('deciding')));
      expect(lines[0]).toMatchObject({ consumer: 'underwriting.decide-loans', message_id: 'intake:e:42', batch: 'ICBC/batches/A', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      span.end();
    });
    log.log('outside');
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('batch');
    return provider.shutdown();
  });

  it('keep an error as its type, its description and its stack', () => {
    const { lines, stream } = captured();
    new JsonLogger('cession', 'info', stream).error(new TypeError('no terms'));
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'TypeError: no terms', error: { type: 'TypeError', message: 'TypeError: no terms', stack: expect.stringContaining('logger.unit.spec') } });
  });

  it("keep a database error to its code and place: not its text, which may quote a value, nor the query's parameters", () => {
    const { lines, stream } = captured();
    const failed = Object.assign(new Error('invalid input syntax for type integer: "北京一号科技有限公司"'), {
      name: 'QueryFailedError',
      parameters: ['91110105MA0000001X', '北京一号科技有限公司'],
      driverError: { code: '22P02', schema: 'intake', table: 'batches', routine: 'pg_strtoint32' },
    });
    new JsonLogger('intake', 'info', stream).error(failed);
    const line = JSON.stringify(lines[0]);
    expect(lines[0]).toMatchObject({ msg: 'database error 22P02 on intake.batches in pg_strtoint32', error: { type: 'QueryFailedError' } });
    for (const personal of ['北京一号科技有限公司', '91110105MA0000001X']) expect(line).not.toContain(personal);
  });
});

describe('the log settings', () => {
  it('are JSON for the distributed services and text for the embedded platform, unless LOG_FORMAT says', () => {
    expect(logSettings({}, 'distributed')).toEqual({ format: 'json', level: 'info' });
    expect(logSettings({}, 'embedded')).toEqual({ format: 'text', level: 'info' });
    expect(logSettings({ LOG_FORMAT: 'json', LOG_LEVEL: 'DEBUG' }, 'embedded')).toEqual({ format: 'json', level: 'debug' });
  });

  it('refuse what they do not know, by name', () => {
    expect(() => logSettings({ LOG_FORMAT: 'xml' }, 'embedded')).toThrow('LOG_FORMAT must be json or text, not xml');
    expect(() => logSettings({ LOG_LEVEL: 'loud' }, 'embedded')).toThrow('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, not loud');
  });
});
