import { canonicalJson } from './canonical';

describe('canonical JSON, the bytes a signature is made over', () => {
  it('does not depend on the order of the keys, at any depth', () => {
    const a = { guaranteeId: 'B01/L1', borrower: { name: 'x', id: '9', type: 'micro' }, parties: [{ role: 'bank', riskFen: '1' }] };
    const b = { parties: [{ riskFen: '1', role: 'bank' }], borrower: { type: 'micro', id: '9', name: 'x' }, guaranteeId: 'B01/L1' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"borrower":{"id":"9","name":"x","type":"micro"},"guaranteeId":"B01/L1","parties":[{"riskFen":"1","role":"bank"}]}');
  });

  it('keeps the order of arrays, writes no whitespace, and leaves out undefined members', () => {
    expect(canonicalJson({ b: [3, 1, 2], a: true, c: null, d: undefined, e: false })).toBe('{"a":true,"b":[3,1,2],"c":null,"e":false}');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    // U+FF21 (fullwidth A) is one code unit, U+1F600 two starting 0xD83D: the surrogate pair sorts first
    expect(canonicalJson({ '\uff21': 1, '\u{1f600}': 2, a: 3, B: 4 })).toBe('{"B":4,"a":3,"\u{1f600}":2,"\uff21":1}');
  });

  it('keeps Chinese characters as they are (UTF-8 in the signed bytes), escaping only what JSON must', () => {
    const text = canonicalJson({ name: '福州市鼓楼区小微企业"甲"\n' });
    expect(text).toBe('{"name":"福州市鼓楼区小微企业\\"甲\\"\\n"}');
    expect(Buffer.from(text, 'utf8').includes(Buffer.from('福州', 'utf8'))).toBe(true);
  });

  it('given a number that is not a safe integer, refuses it and says where it is', () => {
    expect(() => canonicalJson({ parties: [{ sharePct: 1.5 }] })).toThrow('canonical JSON: $.parties[0].sharePct is 1.5, not a safe integer (write exact numbers as decimal strings)');
    expect(() => canonicalJson({ n: NaN })).toThrow('$.n is NaN');
    expect(() => canonicalJson({ n: 2 ** 53 })).toThrow('not a safe integer');
    expect(canonicalJson({ n: -0, m: Number.MAX_SAFE_INTEGER })).toBe('{"m":9007199254740991,"n":0}');
  });

  it('refuses what JSON cannot say exactly: bigints, undefined in an array, objects that are not plain, cycles', () => {
    expect(() => canonicalJson({ fen: 10n })).toThrow('$.fen is a bigint (write it as a decimal string)');
    expect(() => canonicalJson([1, undefined])).toThrow('$[1] is undefined');
    expect(() => canonicalJson({ at: new Date(0) })).toThrow('$.at is a Date, not a plain object');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow('$.self refers back to itself');
  });

  it('gives the same text for a value parsed back from its canonical text', () => {
    const value = { z: [{ y: '1', x: ['a', { w: null }] }], a: '一' };
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
    expect(canonicalJson(JSON.parse(JSON.stringify(value, null, 2)))).toBe(canonicalJson(value));
  });
});
