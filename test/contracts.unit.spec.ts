import 'reflect-metadata';
import { CONTRACTS, MESSAGE_HEADERS, contractOf, guaranteesCededV2, loansDecidedV2, loansFiledV2, servicingFiledV2 } from '@g2g/contracts';
import { MESSAGE_ID_HEADER, RECORDED_AT_HEADER, contractProblems } from '@g2g/messaging';
import { ServiceDefinition, readConfig } from '@g2g/platform';
import { cessionService } from '../apps/cession/src/cession.module';
import { compensationService } from '../apps/compensation/src/compensation.module';
import { intakeService } from '../apps/intake/src/intake.module';
import { reportingService } from '../apps/reporting/src/reporting.module';
import { underwritingService } from '../apps/underwriting/src/underwriting.module';
import { producedChunks } from '../scripts/bench/sample-chunks';

// The registry of libs/contracts (and docs/asyncapi.yaml, generated from it) against what the
// code does: the topics the services subscribe to, the headers the transports write, the
// messages the producers build.

const SERVICES: readonly ServiceDefinition[] = [intakeService, underwritingService, cessionService, compensationService, reportingService];

/** Every (topic, consumer group) the services' handlers subscribe, read from their @Consume metadata. */
function subscriptions(): { topic: string; consumer: string }[] {
  const config = readConfig({});
  const out: { topic: string; consumer: string }[] = [];
  for (const service of SERVICES) {
    // building the module constructs its providers' values, nothing more: no connection is made
    const module = service.module({ db: {} as never, transport: {} as never, config });
    for (const controller of module.controllers ?? []) {
      const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const topics: string[] | undefined = Reflect.getMetadata('microservices:pattern', handler);
        const extras: { consumer?: string } | undefined = Reflect.getMetadata('microservices:pattern_extras', handler);
        for (const topic of topics ?? []) out.push({ topic, consumer: extras?.consumer ?? '(none)' });
      }
    }
  }
  return out;
}

describe('the contract registry', () => {
  it('has a contract for every topic a service consumes, and names every consumer group of it', () => {
    const found = subscriptions();
    // the reading of the metadata sees the consumers it must see
    expect(found).toContainEqual({ topic: loansFiledV2.topic, consumer: 'underwriting.decide-loans' });
    expect(found.length).toBeGreaterThan(25);

    expect(found.filter((s) => contractOf(s.topic) === undefined)).toEqual([]);
    const byContract = new Map<string, Set<string>>();
    for (const s of found) {
      const c = contractOf(s.topic)!;
      const key = `${c.name}.v${c.version}`;
      byContract.set(key, (byContract.get(key) ?? new Set()).add(s.consumer));
    }
    const consumed = Object.fromEntries([...byContract].map(([key, groups]) => [key, [...groups].sort()]));
    const listed = Object.fromEntries(CONTRACTS.filter((c) => c.consumers.length > 0).map((c) => [`${c.name}.v${c.version}`, [...c.consumers].sort()]));
    expect(listed).toEqual(consumed);
  });

  it('names each contract once, and lists no shape read over HTTP as a topic', () => {
    const ids = CONTRACTS.map((c) => `${c.name}.v${c.version}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CONTRACTS.filter((c) => !c.published)) expect([c.name, contractOf(c.address)]).toEqual([c.name, undefined]);
  });

  it('documents the headers the transports write on every message', () => {
    const required = MESSAGE_HEADERS.filter((h) => h.required).map((h) => h.name);
    expect(required).toEqual([MESSAGE_ID_HEADER, RECORDED_AT_HEADER]);
  });
});

describe('the producers', () => {
  const chunks = producedChunks(1000);

  it('build chunk messages that match their contracts exactly', () => {
    expect(chunks.filed.loans.row).toHaveLength(1000);
    expect(chunks.decided.issued.index.length).toBeGreaterThan(500);
    expect(chunks.ceded.parts.length).toBeGreaterThan(0);
    expect(contractProblems(loansFiledV2.topic, chunks.filed).problems).toEqual([]);
    expect(contractProblems(loansDecidedV2.topic, chunks.decided).problems).toEqual([]);
    expect(contractProblems(guaranteesCededV2.topic, chunks.ceded).problems).toEqual([]);
    for (const s of chunks.servicing) expect([s.kind, contractProblems(servicingFiledV2.topic, s).problems]).toEqual([s.kind, []]);
  });

  it('would be refused for a field their contract does not have', () => {
    expect(contractProblems(loansDecidedV2.topic, { ...chunks.decided, issued: { ...chunks.decided.issued, extra: [] } }).problems).toEqual(['/issued: must NOT have additional properties ("extra")']);
  });
});
