import { Sql } from '@g2g/event-store';
import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, EventPattern, MessageHandler, Server } from '@nestjs/microservices';
import { Observable, lastValueFrom, throwError } from 'rxjs';
import { ConsumerSpec, IncomingMessage, MessageTransport } from './message';

/** What a g2g message handler gets beside the batch: the transaction its effects must use. */
export class G2gContext extends BaseRpcContext<[Sql, string, unknown]> {
  get tx(): Sql {
    return this.args[0];
  }
  get topic(): string {
    return this.args[1];
  }
  /**
   * Set when the messages failed alone on every attempt and will be parked on the dead letters
   * (consumers declared with `answersPoison` only): the error. The handler records a final
   * outcome instead of applying them.
   */
  get poisoned(): unknown {
    return this.args[2];
  }
}

/** Consumers are named `{schema}.{purpose}`: the schema holds their inbox and checkpoints. */
export function schemaOfConsumer(consumer: string): string {
  const m = /^([a-z_][a-z0-9_]*)\.[a-z0-9.-]+$/.exec(consumer);
  if (!m) throw new Error(`consumer ${consumer} is not named {schema}.{purpose}`);
  return m[1];
}

/** Extras of `@EventPattern(topic, { consumer })`: handlers naming one consumer share a group and an inbox. */
export interface G2gPatternExtras {
  consumer: string;
  maxAttempts?: number;
  /** the handlers answer a poisoned message with a final outcome (see G2gContext.poisoned) */
  answersPoison?: boolean;
  /** what the handler's answer to a poisoned message of this topic copies from it (see ConsumerSpec.answerCopies) */
  answerCopies?: readonly string[];
  /** messages per transaction at most */
  batchSize?: number;
  /** the transport hands over the messages' text unparsed (see ConsumerSpec.raw) */
  raw?: boolean;
}

/**
 * Nest's custom transport strategy over a g2g MessageTransport (Kafka or embedded). A handler is
 * `@EventPattern(topic, { consumer })` and receives the batch (`@Payload() IncomingMessage[]`)
 * and a G2gContext; it must write through `ctx.tx` so its effects commit with the inbox.
 */
export class G2gServer extends Server implements CustomTransportStrategy {
  constructor(private readonly transport: MessageTransport) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => any): Promise<void> {
    try {
      for (const spec of this.consumerSpecs()) this.transport.subscribe(spec);
      await this.transport.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.transport.stop();
  }

  on(): never {
    throw new Error('G2gServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.transport as T;
  }

  private consumerSpecs(): ConsumerSpec[] {
    type Group = { maxAttempts?: number; answersPoison?: boolean; answerCopies: Record<string, readonly string[]>; batchSize?: number; raw?: boolean; handlers: Map<string, MessageHandler> };
    const byConsumer = new Map<string, Group>();
    // Nest chains every handler of one pattern behind the first (`next`) and runs the chain
    // concurrently with the first one's arguments. Here each handler is its own consumer, with its
    // own inbox, checkpoint and transaction: unchain them and subscribe each.
    const handlers: [string, MessageHandler][] = [];
    for (const [topic, head] of this.messageHandlers) {
      for (let handler: MessageHandler | undefined = head; handler; ) {
        const next: MessageHandler | undefined = handler.next;
        handler.next = undefined;
        handlers.push([topic, handler]);
        handler = next;
      }
    }
    for (const [topic, handler] of handlers) {
      const extras = (handler.extras ?? {}) as Partial<G2gPatternExtras>;
      if (!extras.consumer) throw new Error(`@EventPattern('${topic}') needs { consumer } in its extras`);
      const entry: Group = byConsumer.get(extras.consumer) ?? { handlers: new Map(), answerCopies: {} };
      if (extras.answerCopies) entry.answerCopies[topic] = extras.answerCopies;
      entry.maxAttempts = extras.maxAttempts ?? entry.maxAttempts;
      entry.answersPoison = extras.answersPoison ?? entry.answersPoison;
      entry.batchSize = Math.min(extras.batchSize ?? Infinity, entry.batchSize ?? Infinity);
      entry.raw = extras.raw ?? entry.raw;
      if (entry.handlers.has(topic)) throw new Error(`consumer ${extras.consumer} has two handlers for ${topic}`);
      entry.handlers.set(topic, handler);
      byConsumer.set(extras.consumer, entry);
    }
    return [...byConsumer].map(([consumer, { maxAttempts, answersPoison, answerCopies, batchSize, raw, handlers }]) => ({
      consumer,
      schema: schemaOfConsumer(consumer),
      topics: [...handlers.keys()],
      maxAttempts,
      answersPoison,
      answerCopies,
      batchSize: batchSize === Infinity ? undefined : batchSize,
      raw,
      handle: async (messages: IncomingMessage[], tx: Sql, poisoned?: unknown) => {
        // consecutive messages of one topic go to its handler together, in order
        for (let i = 0; i < messages.length; ) {
          let j = i + 1;
          while (j < messages.length && messages[j].topic === messages[i].topic) j++;
          const handler = handlers.get(messages[i].topic)!;
          const result = await handler(messages.slice(i, j), new G2gContext([tx, messages[i].topic, poisoned]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
          i = j;
        }
      },
    }));
  }
}

/**
 * `@Consume(topic, { consumer })`: Nest's @EventPattern with the extras g2g needs, checked. Several
 * topics of one message (the same message published by several owners) may share a handler.
 */
export function Consume(topic: string | readonly string[], extras: G2gPatternExtras): MethodDecorator {
  schemaOfConsumer(extras.consumer);
  // Nest keeps each topic of the list as a pattern of its own, with its own handler
  return EventPattern<string | string[]>(typeof topic === 'string' ? topic : [...topic], extras as unknown as Record<string, any>);
}

/**
 * Nest turns a handler's error into a generic "Internal server error" object; the transport needs
 * the error itself to decide on retries and to record it with a dead letter. Installed on the
 * g2g microservice only (HTTP keeps its own filters).
 */
@Catch()
export class PassErrorsToTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
