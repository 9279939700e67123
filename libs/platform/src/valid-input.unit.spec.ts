import { HttpException } from '@nestjs/common';
import { IsIn, IsOptional } from 'class-validator';
import { SequenceNumber, WholeNumber } from './query-params';
import { Check, Nested, RefusedAs, ValidInput, inputFields, problem, readInput, validated, validatedList } from './valid-input';

// Input read into a DTO and refused in the platform's shape: a query's first problem with its own
// code (400), a document's every problem listed under its code (422). The instance is built from
// the input's own keys, so that no key of a client's JSON reaches the class's members.

function answer(pipe: ValidInput<object, unknown>, input: unknown): { status: number; body: unknown } | { value: unknown } {
  try {
    return { value: pipe.transform(input) };
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { status: error.getStatus(), body: error.getResponse() };
  }
}

class Page {
  @IsIn(['newest', 'oldest'], problem('BAD_ORDER', 'order: newest or oldest'))
  order = 'newest';

  @WholeNumber(1, 100)
  limit = 10;

  @SequenceNumber()
  after = 0n;

  label(): string {
    return `${this.order}/${this.limit}`;
  }
}

class NarrowPage extends Page {
  @IsOptional()
  @IsIn(['a', 'b'], problem('BAD_KIND', 'kind: a or b'))
  kind?: string;
}

class Line {
  @Check((v) => typeof v === 'string' && v !== '', { message: 'each line needs a name' })
  name!: string;
}

@RefusedAs({ status: 422, code: 'INVALID_THING', message: 'the thing has problems', listed: true })
class Thing {
  @Check((v) => typeof v === 'string' && /^[A-Z]+$/.test(v), { message: 'code: upper-case letters' })
  code!: string;

  @Nested(() => Line, { each: true, message: 'lines: a list of lines' })
  lines!: Line[];

  @IsOptional()
  @Check((v) => typeof v === 'object' && v !== null, { message: 'extra: an object' })
  extra?: Record<string, unknown>;
}

describe('a query read into its DTO', () => {
  it('keeps the defaults of what is absent or empty, and parses what is given', () => {
    expect(answer(validated(Page), {})).toEqual({ value: Object.assign(new Page(), {}) });
    const read = answer(validated(Page), { order: 'oldest', limit: '25', after: '9223372036854775807' }) as { value: Page };
    expect([read.value.order, read.value.limit, read.value.after]).toEqual(['oldest', 25, 9_223_372_036_854_775_807n]);
    expect((answer(validated(Page), { limit: '' }) as { value: Page }).value.limit).toBe(10);
  });

  it('is refused 400 with the code and message of its first problem', () => {
    expect(answer(validated(Page), { limit: '0' })).toEqual({ status: 400, body: { code: 'BAD_LIMIT', message: 'limit: a whole number from 1 to 100' } });
    for (const limit of ['101', '1e1', '-1', '1.0', ' 5', '99999999999999999']) {
      expect([limit, answer(validated(Page), { limit })]).toEqual([limit, { status: 400, body: { code: 'BAD_LIMIT', message: 'limit: a whole number from 1 to 100' } }]);
    }
    for (const after of ['9223372036854775808', '-1', 'x', '1e3']) {
      expect(answer(validated(Page), { after })).toEqual({ status: 400, body: { code: 'BAD_AFTER', message: 'after: a whole number from 0 to 9223372036854775807' } });
    }
    expect(answer(validated(Page), { order: 'up', limit: '0' })).toEqual({ status: 400, body: { code: 'BAD_ORDER', message: 'order: newest or oldest' } });
  });

  it("names a parent class's problems before its own (a read's period before the route's parameters)", () => {
    const read = readInput(NarrowPage, { kind: 'z', limit: '0' });
    expect(read.ok ? [] : read.problems.map((p) => p.code)).toEqual(['BAD_LIMIT', 'BAD_KIND']);
    expect(inputFields(NarrowPage)).toEqual(['order', 'limit', 'after', 'kind']);
  });

  it('takes no key that names a member of the class or of every object', () => {
    const read = answer(validated(Page), { label: 'x', constructor: 'x', __proto__: 'x', toString: 'x', hasOwnProperty: 'x' }) as { value: Page };
    expect(read.value).toBeInstanceOf(Page);
    expect(read.value.label()).toBe('newest/10');
    expect(String(Object.prototype.toString.call(read.value))).toBe('[object Object]');
    // a refusal is still a refusal with such keys beside it: the class's checks still run
    expect(answer(validated(Page), JSON.parse('{"constructor": "x", "__proto__": {"limit": 5}, "limit": "0"}'))).toMatchObject({ status: 400, body: { code: 'BAD_LIMIT' } });
  });
});

describe('a document read into its DTO', () => {
  it('passes as an instance, nested documents as instances of theirs, other values as they came', () => {
    const body = JSON.parse('{"code": "AB", "lines": [{"name": "x", "note": 1}], "extra": {"constructor": "kept", "__proto__": "kept too"}}');
    const read = answer(validated(Thing), body) as { value: Thing };
    expect(read.value).toBeInstanceOf(Thing);
    expect(read.value.lines[0]).toBeInstanceOf(Line);
    expect(JSON.parse(JSON.stringify(read.value))).toEqual(body);
    expect(Object.keys(read.value.extra!)).toEqual(['constructor', '__proto__']);
  });

  it('is refused as its class says, with every problem by its path', () => {
    expect(answer(validated(Thing), { code: 'ab', lines: [{ name: 'x' }, { name: '' }], extra: 1 })).toEqual({
      status: 422,
      body: {
        code: 'INVALID_THING',
        message: 'the thing has problems',
        errors: [
          { field: 'code', message: 'code: upper-case letters' },
          { field: 'lines[1].name', message: 'each line needs a name' },
          { field: 'extra', message: 'extra: an object' },
        ],
      },
    });
    // a list with something in it that is no document is judged as a list first
    expect(answer(validated(Thing), { code: 'AB', lines: [{ name: '' }, 7] })).toMatchObject({ body: { errors: [{ field: 'lines', message: 'lines: a list of lines' }] } });
  });

  it('reads a body that is no object as an empty document', () => {
    for (const body of [undefined, null, 'x', 5, [1, 2]]) {
      expect(answer(validated(Thing), body)).toMatchObject({ status: 422, body: { errors: [{ field: 'code' }, { field: 'lines' }] } });
    }
  });

  it('takes one document or a list of them, naming a problem by its place in a list', () => {
    const pipe = validatedList(Thing, 'send one thing or a list of them');
    expect(answer(pipe, { code: 'A', lines: [] })).toEqual({ value: [expect.any(Thing)] });
    expect(answer(pipe, [{ code: 'A', lines: [] }, { code: 'B', lines: [] }])).toEqual({ value: [expect.any(Thing), expect.any(Thing)] });
    expect(answer(pipe, { code: 'a', lines: [] })).toMatchObject({ status: 422, body: { errors: [{ field: 'code' }] } });
    expect(answer(pipe, [{ code: 'A', lines: [] }, { code: 'b', lines: [{}] }])).toMatchObject({
      status: 422,
      body: { code: 'INVALID_THING', errors: [{ field: '[1].code' }, { field: '[1].lines[0].name' }] },
    });
    expect(answer(pipe, [])).toEqual({ status: 422, body: { code: 'INVALID_THING', message: 'the thing has problems', errors: [{ field: 'body', message: 'send one thing or a list of them' }] } });
  });
});
