import { Database, backlogOf, ident } from '@g2g/event-store';
import { MessageTransport } from '@g2g/messaging';
import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A read that gauges share: calls within `ttlMs` of the last one (the gauges of one scrape, or
 * scrapes that come at once) get the same answer, or wait for the same read, instead of asking
 * the database or the broker again.
 */
export function sharedRead<T>(read: () => Promise<T>, ttlMs = 1_000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > ttlMs) {
      const value = read();
      last = { at: now, value };
      // a failed read is not kept: the next scrape asks again
      value.catch(() => {
        if (last?.value === value) last = undefined;
      });
    }
    return last.value;
  };
}

/** What a gauge reads when scraped: one value per label set. */
export type Sample = { labels: Record<string, string | number>; value: number };

/**
 * The metrics of one running platform (one process: a service, or all five embedded), in one
 * registry of its own, served on GET /metrics (docs/operations.md lists them and what to alert on).
 *
 * Counters and histograms count what this process did since it started (HTTP requests, event
 * appends); gauges that describe the platform's state are read from the
 * database or the broker when scraped (backlogs, lag, dead letters, batch progress), so they hold
 * across restarts and say the same from every replica of a service.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly appends: Histogram<'schema'>;

  constructor(services: readonly string[]) {
    this.registry.setDefaultLabels({ service: services.join('+') });
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'g2g_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: time from the request to the last byte of the answer',
      labelNames: ['method', 'route', 'status'],
      // an upload of a large file streams for minutes: the top buckets are for it
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
      registers: [this.registry],
    });
    this.appends = new Histogram({
      name: 'g2g_event_store_append_duration_seconds',
      help: 'One append statement of events to a service schema (one or more streams), inside its transaction',
      labelNames: ['schema'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  /** An event append took `seconds`. */
  appended(schema: string, seconds: number): void {
    this.appends.observe({ schema }, seconds);
  }

  /**
   * A gauge read when scraped. A reading that fails (the database or broker away) leaves the
   * gauge empty for that scrape and is counted in g2g_metric_read_errors_total, rather than
   * failing the whole scrape: the process metrics still say what they say.
   */
  gauge(name: string, help: string, labelNames: readonly string[], read: () => Promise<Sample[]>): void {
    const errors = this.readErrors;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const s of await read()) this.set(s.labels, s.value);
        } catch {
          errors.inc({ metric: name });
        }
      },
    });
  }

  private readonly readErrors = new Counter({
    name: 'g2g_metric_read_errors_total',
    help: 'Scrapes in which a gauge could not be read (its source did not answer)',
    labelNames: ['metric'],
    registers: [this.registry],
  });

  /** The gauges every platform has: its followers, outbox backlog, dead letters and Kafka lag. */
  watchPlatform(db: Database, transport: MessageTransport, schemas: readonly string[]): void {
    const followers = sharedRead(() => backlogOf(db));
    this.gauge(
      'g2g_follower_behind',
      'Committed rows a follower of a log table has still to read (a relay to Kafka, an embedded consumer, a projection of its own log)',
      ['follower', 'source'],
      async () => (await followers()).map((f) => ({ labels: { follower: f.follower, source: f.source }, value: f.behind })),
    );
    this.gauge(
      'g2g_outbox_backlog',
      'Messages recorded for delivery (outbox rows and published events) that their reader has not taken yet: the relay to Kafka, or the embedded consumers',
      ['schema'],
      async () => {
        const bySchema = new Map<string, number>(schemas.map((s) => [s, 0]));
        for (const f of await followers()) {
          const [schema, table] = f.source.split('.');
          if (table === 'outbox' || (table === 'events' && isDelivery(f.follower))) bySchema.set(schema, (bySchema.get(schema) ?? 0) + f.behind);
        }
        return [...bySchema].map(([schema, value]) => ({ labels: { schema }, value }));
      },
    );
    this.gauge(
      'g2g_dead_letters',
      'Messages a consumer could not apply and parked on its dead-letter topic, as its inbox records them (0 for every consumer of the process that has none)',
      ['consumer'],
      async () => {
        // a series for every consumer from the start: an alert on a rise sees the first dead letter
        const out: Sample[] = (transport.consumerNames?.() ?? []).map((consumer) => ({ labels: { consumer }, value: 0 }));
        for (const schema of schemas) {
          const rows = await db.query<{ consumer: string; n: string }>(
            `select consumer, count(*)::text as n from ${ident(schema)}.inbox where outcome = 'dead-lettered' group by consumer`,
          );
          for (const r of rows) {
            const known = out.find((o) => o.labels.consumer === r.consumer);
            if (known) known.value = Number(r.n);
            else out.push({ labels: { consumer: r.consumer }, value: Number(r.n) });
          }
        }
        return out;
      },
    );
    if (transport.consumerLag) {
      // shared: a broker slow to answer is asked once, not once more every scrape
      const lagOf = sharedRead(transport.consumerLag.bind(transport));
      this.gauge(
        'g2g_kafka_consumer_lag',
        "Messages on a partition after its consumer group's committed offset",
        ['group', 'topic', 'partition'],
        async () => (await lagOf()).map((l) => ({ labels: { group: l.group, topic: l.topic, partition: l.partition }, value: l.lag })),
      );
    }
  }

  /** Times every HTTP request, labelled by the route's pattern (not its path: ids stay out of the labels). */
  timeHttp(app: INestApplication): void {
    app.use((req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      // 'close', not 'finish': an upload the client broke off is counted too
      res.once('close', () => {
        const route = (req.route as { path?: string } | undefined)?.path;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.http.observe({ method: req.method, route: route ? `${req.baseUrl}${route}` : 'unmatched', status: res.statusCode }, seconds);
      });
      next();
    });
  }
}

/** A follower of a schema's published events that delivers them (a relay, an embedded consumer), not a projection. */
function isDelivery(follower: string): boolean {
  const name = follower.slice(follower.indexOf('/') + 1);
  return name === 'event-relay' || name.includes('<=');
}
