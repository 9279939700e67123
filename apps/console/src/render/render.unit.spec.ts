import { csvField, csvLine, renderTable } from '../exports/table';
import { dayBefore, sumYuan } from '../roll-forward/roll-forward.controller';
import { display, kindOfFigure, yuanForDrawing } from './format';
import { escapeHtml, html, queryString, trusted } from './html';
import { asOfParam, periodOf } from './period';

describe('html templates', () => {
  it('escape every value, in text and in attributes', () => {
    const name = `<script>alert("x")</script> & 'quoted'`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe('<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</td>');
  });

  it('keep what another template made, and lists of it, as markup', () => {
    const cells = ['a<b', 'c'].map((c) => html`<td>${c}</td>`);
    expect(html`<tr>${cells}</tr>`.text).toBe('<tr><td>a&lt;b</td><td>c</td></tr>');
    expect(html`${trusted('<svg></svg>')}${null}${undefined}${false}${0}`.text).toBe('<svg></svg>0');
  });

  it('escape the five characters and nothing else', () => {
    expect(escapeHtml('总对总 <>&"\' 1,000.00')).toBe('总对总 &lt;&gt;&amp;&quot;&#39; 1,000.00');
  });

  it('build query strings without the empty parameters', () => {
    expect(queryString({ from: '2025-01-01', bank: '', as_of: undefined, after: 'ICBC/L 1' })).toBe('?from=2025-01-01&after=ICBC%2FL+1');
    expect(queryString({})).toBe('');
  });
});

describe('amounts and figures on screen', () => {
  it('group yuan by thousands from the exact decimal text, however large', () => {
    expect(display('1000000000000.01', 'yuan')).toBe('1,000,000,000,000.01');
    expect(display('9007199254740993.07', 'yuan')).toBe('9,007,199,254,740,993.07'); // above 2^53: a float would lose the 3
    expect(display('0.10', 'yuan')).toBe('0.10');
    expect(display('-1234.5', 'yuan')).toBe('-1,234.50');
  });

  it('show shares as percentages, rates in percent, leverage as a multiple, null as a dash', () => {
    expect(display('0.8768771518', 'share')).toBe('87.69%');
    expect(display('4.4700', 'percent')).toBe('4.47%');
    expect(display('1.2641', 'multiple')).toBe('1.26x');
    expect(display(null, 'share')).toBe('—');
    expect(display(1880, 'count')).toBe('1,880');
  });

  it("tell a figure's kind from its name in the /figures JSON", () => {
    expect(
      ['new_guarantees.count', 'new_guarantees.principal', 'outstanding_balance', 'borrowers_served', 'share_at_most_5m_per_borrower', 'inclusive_share', 'average_interest_rate_pct', 'compensation.rate_pct', 'leverage.BJ-GUOHUA', 'risk_borne.BJ-REG', 'sci_tech.borrowers'].map(kindOfFigure),
    ).toEqual(['count', 'yuan', 'yuan', 'count', 'share', 'share', 'percent', 'percent', 'multiple', 'yuan', 'count']);
  });

  it('draw yuan as hundreds of millions, for the chart only', () => {
    expect(yuanForDrawing('250000000.00')).toBe(2.5);
    expect(yuanForDrawing(null)).toBe(0);
  });

  it('sum amounts by party exactly', () => {
    expect(sumYuan({ 'BJ-REG': '191992.60', NFGF: '191992.61' })).toBe('383985.21');
    expect(sumYuan({})).toBe('0.00');
    expect(sumYuan({ a: '0.05' })).toBe('0.05');
  });
});

describe('tables', () => {
  const table = {
    id: 't',
    title: 'T',
    columns: [
      { key: 'name', label: 'name', kind: 'text' as const },
      { key: 'amount', label: 'amount', kind: 'yuan' as const, figure: () => 'outstanding_balance' },
    ],
    rows: [{ name: 'ICBC <bank>', amount: '1234567.80' }],
  };

  it('show each figure with its name and its exact value, and the value formatted', () => {
    const out = renderTable(table).text;
    expect(out).toContain('<td class="num" data-figure="outstanding_balance" data-value="1234567.80">1,234,567.80</td>');
    expect(out).toContain('<td>ICBC &lt;bank&gt;</td>');
    expect(out).toContain('<th scope="col" class="num">amount</th>');
  });

  it('write CSV fields quoted where RFC 4180 wants it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvLine(['单位负责人', 1, null, true])).toBe('单位负责人,1,,Y\r\n');
  });
});

describe('the period of a page', () => {
  it('defaults to the first day of last year up to today', () => {
    expect(periodOf({}, '2026-12-02')).toEqual({ from: '2025-01-01', to: '2026-12-02', asOfInput: '', slice: {} });
  });

  it('keeps the slice parameters given, and no others', () => {
    expect(periodOf({ from: '2025-03-01', to: '2025-03-31', bank: 'ICBC', province: '', evil: 'x' }, '2026-01-01').slice).toEqual({ bank: 'ICBC' });
  });

  it('reads an as-of time typed in China time, and leaves a time with its zone as it is', () => {
    expect(asOfParam('2026-11-23T15:13')).toBe('2026-11-23T15:13:00+08:00');
    expect(asOfParam('2026-11-23T15:13:20')).toBe('2026-11-23T15:13:20+08:00');
    expect(asOfParam('2026-11-23T07:13:00Z')).toBe('2026-11-23T07:13:00Z');
    expect(asOfParam('')).toBeUndefined();
  });

  it('knows the day before a date, across months and years', () => {
    expect([dayBefore('2025-03-01'), dayBefore('2025-01-01'), dayBefore('2024-03-01')]).toEqual(['2025-02-28', '2024-12-31', '2024-02-29']);
  });
});
