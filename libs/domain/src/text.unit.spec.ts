import { keptText, textProblem, visibleText } from './text';

describe('text a field may hold', () => {
  it.each([
    ['NUL', 'A\u0000B'],
    ['a bell', '\u0007'],
    ['a line feed inside', 'A\nB'],
    ['a carriage return', 'A\rB'],
    ['a tab inside', 'A\tB'],
    ['DEL', 'A\u007fB'],
    ['a C1 control', 'A\u0085B'],
  ])('refuses %s as CONTROL_CHARACTER, in names and identifiers alike', (_what, text) => {
    expect(textProblem(text, 'identifier')).toBe('CONTROL_CHARACTER');
    expect(textProblem(text, 'name')).toBe('CONTROL_CHARACTER');
  });

  it.each([['a lone high surrogate', 'A\ud800B'], ['a lone low surrogate', '\udc00'], ['a reversed pair', '\ude00\ud83d']])('refuses %s as MALFORMED_TEXT', (_what, text) => {
    expect(textProblem(text, 'identifier')).toBe('MALFORMED_TEXT');
    expect(textProblem(text, 'name')).toBe('MALFORMED_TEXT');
  });

  it.each([
    ['a zero-width space', 'L1\u200b'],
    ['a zero-width joiner', 'L\u200d1'],
    ['a right-to-left override', '\u202eL1'],
    ['a left-to-right mark', 'L1\u200e'],
    ['a byte order mark inside', 'L\ufeff1'],
    ['a word joiner', 'L\u20601'],
    ['a soft hyphen', 'L\u00ad1'],
    ['a variation selector', 'L1\ufe0f'],
  ])('refuses %s in an identifier as INVISIBLE_CHARACTER', (_what, text) => {
    expect(textProblem(text, 'identifier')).toBe('INVISIBLE_CHARACTER');
  });

  it('refuses bidirectional controls and zero-width spaces in a name, but keeps the joiners some scripts need', () => {
    expect(textProblem('\u202e司公限有', 'name')).toBe('INVISIBLE_CHARACTER');
    expect(textProblem('张\u200b三', 'name')).toBe('INVISIBLE_CHARACTER');
    expect(textProblem('Café 👨\u200d👩\u200d👧', 'name')).toBeNull();
    expect(textProblem('क्\u200dष', 'name')).toBeNull();
  });

  it('accepts ordinary text: CJK, full-width forms, the ideographic space, emoji', () => {
    for (const text of ['福州明辉机械有限公司', 'ＡＢＣ１２３', '张\u3000三', '😀', 'IOU-2025/0001']) {
      expect(textProblem(text, 'identifier')).toBeNull();
      expect(textProblem(text, 'name')).toBeNull();
    }
  });

  it('shows what it refuses as escapes, leaving the rest as it is', () => {
    expect(visibleText('L-\u00001\ud800😀\u200b张')).toBe('L-\\u00001\\ud800😀\\u200b张');
    expect(visibleText('plain 张三')).toBe('plain 张三');
    for (const text of ['A\u0000B', 'A\ud800', 'x\u202ey']) expect(textProblem(visibleText(text), 'identifier')).toBeNull();
  });

  it('keeps a value whole up to a number of code points, and cuts a longer one with an ellipsis', () => {
    expect(keptText('L-\u00001', 64)).toBe('L-\\u00001');
    expect(keptText('😀'.repeat(64), 64)).toBe('😀'.repeat(64));
    expect(keptText('😀'.repeat(65), 64)).toBe(`${'😀'.repeat(64)}…`);
    expect(keptText('\u0000'.repeat(1_000_000), 3)).toBe('\\u0000\\u0000\\u0000…');
    expect(keptText('ab\ud800', 3)).toBe('ab\\ud800');
  });
});
