import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Whether the standard OpenTelemetry variables ask for traces: an OTLP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an exporter
 * (OTEL_TRACES_EXPORTER=otlp|console), and not OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none.
 * Unset, tracing is off and costs nothing: the API's no-op tracer.
 */
export function tracesWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_TRACES_EXPORTER);
}

export interface Tracing {
  /** sends what is still buffered and stops */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for this process when the environment asks for it: spans batched
 * to the OTLP/HTTP exporter, which reads its own OTEL_EXPORTER_OTLP_* variables (endpoint,
 * headers, timeout), or printed (OTEL_TRACES_EXPORTER=console); the sampler from
 * OTEL_TRACES_SAMPLER; W3C trace context; an AsyncLocalStorage context manager, so that the work
 * a request or a message starts stays in its trace across awaits. The service name is
 * OTEL_SERVICE_NAME, else `g2g-{services}`.
 */
export function startTracing(services: readonly string[], env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracesWanted(env)) return undefined;
  // the SDK and the exporter are loaded only when traces are wanted: 6-7 MB a process otherwise
  const { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const exporters: SpanExporter[] = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').flatMap((name): SpanExporter[] => {
    switch (name.trim()) {
      case 'console':
        return [new ConsoleSpanExporter()];
      case 'otlp':
      case '':
        return [new OTLPTraceExporter()];
      default:
        throw new Error(`OTEL_TRACES_EXPORTER: ${name} is not one of otlp, console, none`);
    }
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || `g2g-${services.join('+')}`, 'service.namespace': 'g2g' }),
    spanProcessors: exporters.map((e) => new BatchSpanProcessor(e)),
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

/**
 * A server span per HTTP request, named by the route's pattern once routing has found it
 * (`PUT /banks/:bank/:segment/:batchRef`): what the request writes for others (a filed chunk, an
 * outbox row) carries the span on, sampled or not, so that every service keeps to the first
 * one's sampling decision. A `traceparent` the caller sends is linked, not continued: a caller
 * outside the platform does not decide what is sampled here.
 */
export function traceHttp(app: INestApplication): void {
  const tracer = trace.getTracer('g2g');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const caller = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, req.headers));
    const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method }, links: caller ? [{ context: caller }] : [] }, ROOT_CONTEXT);
    if (!isSpanContextValid(span.spanContext())) return next(); // tracing is off
    // 'close', not 'finish': the span of an upload the client broke off ends too
    res.once('close', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) {
        span.updateName(`${req.method} ${req.baseUrl}${route}`);
        span.setAttribute('http.route', `${req.baseUrl}${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? undefined : 'the connection closed before the answer was sent' });
      span.end();
    });
    context.with(trace.setSpan(ROOT_CONTEXT, span), next);
  });
}
