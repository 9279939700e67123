import { Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import { withLogFields } from '@g2g/event-store';
import { ConsumerSpec, IncomingMessage } from './message';

/**
 * Runs a consumer's work on a batch of messages (in Kafka mode its whole transaction, commit
 * included; embedded, the handler inside the transaction that read them) in a span that
 * continues the trace of the first message carrying one (`traceparent`, stored with the outbox
 * row or published event and sent as a Kafka header), linked to the traces of the others. What
 * is logged meanwhile names the consumer and the (first) message.
 */
export async function consuming<T>(spec: ConsumerSpec, system: 'kafka' | 'embedded', messages: readonly IncomingMessage[], fn: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('g2g');
  let parent = ROOT_CONTEXT;
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    if (!m.headers.traceparent || seen.has(m.headers.traceparent)) continue;
    seen.add(m.headers.traceparent);
    const ctx = propagation.extract(ROOT_CONTEXT, m.headers);
    if (seen.size === 1) parent = ctx;
    else {
      const linked = trace.getSpanContext(ctx);
      if (linked) links.push({ context: linked });
    }
  }
  const topics = [...new Set(messages.map((m) => m.topic))].join(',');
  return tracer.startActiveSpan(
    `process ${topics}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': system,
        'messaging.operation.type': 'process',
        'messaging.destination.name': topics,
        'messaging.consumer.group.name': spec.consumer,
        'messaging.batch.message_count': messages.length,
      },
    },
    parent,
    async (span) => {
      try {
        return await withLogFields({ consumer: spec.consumer, message_id: messages[0]?.id ?? '', ...(messages.length > 1 ? { messages: messages.length } : {}) }, fn);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The trace headers kept in a published event's metadata, for the message that carries it. */
export function traceHeadersOf(metadata: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof metadata?.traceparent === 'string') out.traceparent = metadata.traceparent;
  if (typeof metadata?.tracestate === 'string') out.tracestate = metadata.tracestate;
  return out;
}
