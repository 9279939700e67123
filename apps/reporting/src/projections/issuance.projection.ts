import { GuaranteeCededV1, GuaranteeIssuedV1, guaranteeCededV1, guaranteeIssuedV1 } from '@g2g/contracts';
import { Sql } from '@g2g/event-store';
import { Consume, G2gContext, IncomingMessage } from '@g2g/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';

export const SCHEMA = 'reporting';
const consumer = 'reporting.issuance';

/**
 * The issuance read model: one row per guarantee with every attribute a regulator slices by, its
 * parties and shares, and the re-guarantee fees; plus each concerned participant's feed. Applied
 * with the inbox in one transaction, so a redelivered message changes nothing.
 */
@Controller()
export class IssuanceProjection {
  @Consume(guaranteeIssuedV1.topic, { consumer })
  async issued(@Payload() messages: IncomingMessage<GuaranteeIssuedV1>[], @Ctx() ctx: G2gContext) {
    await projectIssued(ctx.tx, messages.map((m) => m.value));
    await feed(ctx.tx, messages, (v: GuaranteeIssuedV1) => v.parties.filter((p) => p.role !== 'bank').map((p) => p.participant));
  }

  @Consume(guaranteeCededV1.topic, { consumer })
  async ceded(@Payload() messages: IncomingMessage<GuaranteeCededV1>[], @Ctx() ctx: G2gContext) {
    const rows = messages.flatMap((m) => m.value.cessions.map((c) => ({ g: m.value.guaranteeId, p: c.participant, f: c.reguaranteeFeeFen })));
    if (rows.length > 0) {
      await ctx.tx.query(
        `insert into ${SCHEMA}.r_reguarantee_fees (guarantee_id, participant, fee_fen)
         select * from unnest($1::text[], $2::text[], $3::numeric[]) on conflict do nothing`,
        [rows.map((r) => r.g), rows.map((r) => r.p), rows.map((r) => r.f)],
      );
    }
    await feed(ctx.tx, messages, (v: GuaranteeCededV1) => [v.guarantor, ...v.cessions.map((c) => c.participant)]);
  }
}

export async function projectIssued(tx: Sql, issued: readonly GuaranteeIssuedV1[]): Promise<void> {
  if (issued.length === 0) return;
  const col = <T>(f: (v: GuaranteeIssuedV1) => T) => issued.map(f);
  await tx.query(
    `insert into ${SCHEMA}.r_guarantees (guarantee_id, programme, bank, guarantor, province, fund_backed, industry_section, borrower_type, borrower_id,
       sci_tech, inclusive, principal_fen, interest_rate_pct, fee_rate_pct, guarantee_fee_fen, issued_on, matures_on)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[],
       $10::boolean[], $11::boolean[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::date[], $17::date[])
     on conflict (guarantee_id) do nothing`,
    [
      col((v) => v.guaranteeId),
      col((v) => v.programme),
      col((v) => v.bank),
      col((v) => v.parties.find((p) => p.role === 'guarantor')!.participant),
      col((v) => v.province),
      col((v) => v.fundBacked),
      col((v) => v.industrySection),
      col((v) => v.borrower.type),
      col((v) => v.borrower.id),
      col((v) => v.sciTech),
      col((v) => v.inclusive),
      col((v) => v.principalFen),
      col((v) => v.interestRatePct),
      col((v) => v.guaranteeFeeRatePct),
      col((v) => v.guaranteeFeeFen),
      col((v) => v.issuedOn),
      col((v) => v.maturesOn),
    ],
  );
  const parties = issued.flatMap((v) => v.parties.map((p) => ({ g: v.guaranteeId, ...p })));
  await tx.query(
    `insert into ${SCHEMA}.r_parties (guarantee_id, participant, role, share_pct)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::numeric[]) on conflict do nothing`,
    [parties.map((p) => p.g), parties.map((p) => p.participant), parties.map((p) => p.role), parties.map((p) => p.sharePct)],
  );
}

async function feed<V>(tx: Sql, messages: IncomingMessage<V>[], concerned: (v: V) => string[]): Promise<void> {
  const rows = messages.flatMap((m) => [...new Set(concerned(m.value))].map((participant) => ({ participant, m })));
  if (rows.length === 0) return;
  await tx.query(
    `insert into ${SCHEMA}.r_feed (participant, topic, key, value) select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [rows.map((r) => r.participant), rows.map((r) => r.m.topic), rows.map((r) => r.m.key), rows.map((r) => JSON.stringify(r.m.value))],
  );
}
