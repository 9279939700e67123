import { Static, Type } from '@sinclair/typebox';
import { Enum, Equal, Exact, Fen, SameType } from './schema';

// What the compile-time check between a contract's schema and its interface holds: these lines
// are checked by `npm run typecheck` (an @ts-expect-error that no longer errors fails it too).

const Schema = Exact({ amountFen: Fen(), kind: Enum(['claim', 'recovery']), parts: Type.Array(Exact({ role: Type.String() })), note: Type.Optional(Type.String()) });
interface Same {
  amountFen: string;
  kind: 'claim' | 'recovery';
  parts: { role: string }[];
  note?: string;
}
type Intersected = { amountFen: string; kind: 'claim' | 'recovery' } & { parts: { role: string }[]; note?: string };

type _same = SameType<Equal<Static<typeof Schema>, Same>>;
type _intersected = SameType<Equal<Static<typeof Schema>, Intersected>>;
// @ts-expect-error a field the interface does not have
type _extra = SameType<Equal<Static<typeof Schema>, Omit<Same, 'amountFen'>>>;
// @ts-expect-error an optional field on one side only (each type is assignable to the other)
type _optional = SameType<Equal<Static<typeof Schema>, Omit<Same, 'note'>>>;
// @ts-expect-error a field that is optional on one side and required on the other
type _required = SameType<Equal<Static<typeof Schema>, Same & { note: string }>>;
// @ts-expect-error a code the interface does not list
type _code = SameType<Equal<Static<typeof Schema>, Omit<Same, 'kind'> & { kind: 'claim' }>>;
// @ts-expect-error a null the schema does not allow
type _nullable = SameType<Equal<Static<typeof Schema>, Omit<Same, 'amountFen'> & { amountFen: string | null }>>;
// @ts-expect-error a nested field of another type
type _nested = SameType<Equal<Static<typeof Schema>, Omit<Same, 'parts'> & { parts: { role: number }[] }>>;

describe('the schema helpers', () => {
  it('write fen as a decimal-integer pattern and codes as an enum', () => {
    expect(Fen()).toMatchObject({ type: 'string', pattern: '^(0|[1-9][0-9]*)$' });
    expect(JSON.parse(JSON.stringify(Enum(['claim', 'recovery'])))).toEqual({ type: 'string', enum: ['claim', 'recovery'] });
    expect(Schema).toMatchObject({ additionalProperties: false, required: ['amountFen', 'kind', 'parts'] });
  });
});
