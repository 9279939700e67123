import { addLogFields, currentLogFields, describeError, keepLogFields, withLogFields } from '@g2g/event-store';
import { CallHandler, ConsoleLogger, ExecutionContext, INestApplication, LoggerService } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger as Pino } from 'pino';

export type LogFormat = 'json' | 'text';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LEVELS)[number];

/**
 * How the platform logs, from the environment: LOG_FORMAT `json` (one JSON object a line, the
 * default of the distributed services, for a log collector) or `text` (Nest's coloured lines,
 * the default of the embedded platform, for a person at a terminal); LOG_LEVEL one of trace,
 * debug, info (default), warn, error, fatal.
 */
export function logSettings(env: NodeJS.ProcessEnv, mode: 'embedded' | 'distributed'): { format: LogFormat; level: LogLevel } {
  const format = env.LOG_FORMAT || (mode === 'distributed' ? 'json' : 'text');
  if (format !== 'json' && format !== 'text') throw new Error(`LOG_FORMAT must be json or text, not ${format}`);
  const level = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LEVELS as readonly string[]).includes(level)) throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not ${env.LOG_LEVEL}`);
  return { format, level: level as LogLevel };
}

/**
 * Nest's logger interface over pino: every line a JSON object with `level` (its name), `time`,
 * `service`, `context` (the part of the platform that speaks), `msg`, and the correlation ids of
 * the work under way: `trace_id` and `span_id` when it is traced, and the fields it was given
 * (`batch`, `consumer`, `message_id`; see withLogFields).
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(service: string, level: LogLevel, destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
    this.pino = pino(
      {
        level,
        base: { service },
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const span = trace.getSpan(context.active())?.spanContext();
          const fields = currentLogFields();
          return { ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}), ...fields };
        },
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context last, and for errors a stack before it. */
  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    const ctx = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields = { ...(ctx ? { context: ctx } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) {
      // described as the platform describes errors (a database error by its code and where, not by
      // its text, which may quote a value; never the enumerable properties pino would copy, such as
      // a failed query's parameters), and the stack without its first line, which repeats the text
      const text = describeError(message);
      this.pino[level]({ ...fields, error: { type: message.name, message: text, stack: message.stack?.split('\n').slice(1).join('\n') } }, text);
    }
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...(message as object) });
    else this.pino[level](fields, String(message));
  }
}

/** The logger for a process of the platform, as the environment asks. */
export function platformLogger(service: string, env: NodeJS.ProcessEnv, mode: 'embedded' | 'distributed'): LoggerService {
  const { format, level } = logSettings(env, mode);
  keepLogFields(format === 'json');
  if (format === 'json') return new JsonLogger(service, level);
  const nest = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
  return new ConsoleLogger({ logLevels: [...nest.slice(LEVELS.indexOf(level))] });
}

/**
 * Every HTTP request gets log fields of its own, and once routed, the batch it is about
 * (`{bank}/{segment}/{ref}` of the batch routes): what is logged while it is served carries them,
 * and its span the attribute `g2g.batch`.
 */
export function correlateRequests(app: INestApplication): void {
  app.use((_req: unknown, _res: unknown, next: () => void) => withLogFields({}, next));
  app.useGlobalInterceptors({
    intercept(ctx: ExecutionContext, next: CallHandler) {
      const params = ctx.getType() === 'http' ? (ctx.switchToHttp().getRequest<{ params?: Record<string, string> }>().params ?? {}) : {};
      if (params.bank && params.batchRef) {
        const batch = `${params.bank}/${params.segment ?? 'batches'}/${params.batchRef}`;
        addLogFields({ batch });
        trace.getActiveSpan()?.setAttribute('g2g.batch', batch); // to find a batch's trace by it
      }
      return next.handle();
    },
  });
}
