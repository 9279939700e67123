import { SpanKind, SpanStatusCode, context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The trace context of the work under way, as W3C headers (`traceparent`, `tracestate`), to be
 * stored with what it writes for others (an outbox row, a published event) so that the reader's
 * work joins the same trace (and keeps its sampling decision). None when tracing is off (the
 * OpenTelemetry API without an SDK is a no-op) or nothing is being traced.
 */
export function currentTraceHeaders(): Readonly<Record<string, string>> {
  const active = context.active();
  // sampled or not: an unsampled trace stays unsampled downstream instead of starting new ones there
  const span = trace.getSpanContext(active);
  if (!span || !isSpanContextValid(span)) return NONE;
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  return carrier;
}

/** Runs `fn` in a span of its own, child of the span under way; directly when nothing is traced. */
export async function inChildSpan<T>(name: string, attributes: Record<string, string | number>, fn: () => Promise<T>): Promise<T> {
  if (!trace.getSpan(context.active())?.isRecording()) return fn();
  return trace.getTracer('g2g').startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
