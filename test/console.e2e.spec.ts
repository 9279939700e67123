import { ServiceProcess, startServiceProcess } from '@g2g/testing';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './support/chromium';

// The console in a real browser (Debian's Chromium driven by playwright-core) against the embedded
// platform loaded with the demo, a batch, a claim and a recovery: each kind of participant signs in
// and sees what its key may see; the numbers on screen are the API's; a figure leads to the
// guarantees behind it and to a loan's history; a file is uploaded and followed to its end; every
// export is downloaded and read back; the language switches; axe-core finds no serious violation;
// a bank gets 403 on a regulator's page; a write without the session's CSRF token is refused.
// A screenshot of every view goes to test-results/console/.

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');
const SHOTS = join(ROOT, 'test-results', 'console');
const PERIOD = { from: '2025-01-01', to: '2025-12-31' };
const PROGRAMME = 'NFGF-G2G-BJ-2025';
const run = promisify(execFile);

/** RFC 4180 rows of a CSV text (a byte order mark first is not part of the first field). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && s[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

async function parseXlsx(bytes: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0].eachRow({ includeEmpty: true }, (r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return rows;
}

/** Every figure of a GET /figures answer by its dotted name, as the text the API gave. */
function figureValues(f: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(f)) {
    if (k === 'period' || k === 'slice' || k === 'as_of') continue;
    if (v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) out.set(`${k}.${k2}`, v2 === null ? '' : String(v2));
    else out.set(k, v === null ? '' : String(v));
  }
  return out;
}

/** What the screen shows for an exact value: its digits and point, grouped by commas (amounts and counts). */
const ungrouped = (text: string) => text.replace(/,/g, '').trim();

describe('the console, in a browser, on the embedded platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'g2g-console-'));
  const operatorKey = `op_console_${Date.now().toString(36)}`;
  let platform: ServiceProcess;
  let browser: Browser;
  let keys: Record<string, string>;
  const contexts: BrowserContext[] = [];
  const violations: Record<string, string[]> = {};
  const cli = (...args: string[]) =>
    run('node', [join(ROOT, 'apps/cli/bin/g2g.js'), ...args], {
      cwd: dir,
      env: { ...process.env, G2G_URL: platform.url, G2G_CREDENTIALS: join(dir, 'credentials.json'), G2G_OPERATOR_KEY: operatorKey },
      maxBuffer: 16 * 1024 * 1024,
    });
  const api = async <T = any>(path: string, code: string, query: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${platform.url}${path}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${code === 'OPERATOR' ? operatorKey : keys[code]}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    ensureChromium();
    platform = await startServiceProcess(
      join(ROOT, 'dist/apps/embedded/src/main.js'),
      [],
      { G2G_MODE: 'embedded', G2G_DATA_DIR: join(dir, 'data'), G2G_INBOX_DIR: '', G2G_OPERATOR_KEY: operatorKey, G2G_OPERATOR_KEY_FILE: join(dir, 'operator-key'), PORT: '0' },
      { timeoutMs: 120_000 },
    );
    await cli('demo', 'load');
    keys = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));
    await cli('generate', '--rows', '600', '--bank', 'ICBC', '--seed', '1', '--invalid-every', '50', '--out', join(dir, 'icbc-1.csv'));
    await cli('batch', 'submit', join(dir, 'icbc-1.csv'), '--bank', 'ICBC', '--programme', PROGRAMME, '--ref', 'icbc-001');
    writeFileSync(join(dir, 'claims.csv'), 'loan_id,overdue_since,claimed_on,unpaid_principal,unpaid_interest\nICBC-1-00000002,2025-06-01,2025-09-01,959963.00,0\n');
    await cli('claims', 'submit', join(dir, 'claims.csv'), '--bank', 'ICBC', '--ref', 'icbc-claims-001');
    writeFileSync(join(dir, 'recover.csv'), 'loan_id,amount,recovered_on\nICBC-1-00000002,100000.00,2025-11-15\n');
    await cli('recoveries', 'submit', join(dir, 'recover.csv'), '--bank', 'ICBC', '--ref', 'icbc-recover-001');
    // reporting has projected the claim and the recovery
    for (let i = 0; i < 200; i++) {
      const f = await api('/figures', 'NFRA', PERIOD);
      if (f.compensation.count === 1 && Object.keys(f.recoveries).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A browser of its own for one participant, signed in through the form; the page it lands on. */
  async function signIn(code: string, options: { javaScript?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ baseURL: platform.url, viewport: { width: 1360, height: 900 }, bypassCSP: true, acceptDownloads: true, javaScriptEnabled: options.javaScript ?? true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/console');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.fill('input[name=key]', code === 'OPERATOR' ? operatorKey : keys[code]);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/console/sign-in'), page.click('form.sign-in button[type=submit]')]);
    return page;
  }

  /** A screenshot of the view, and axe-core's check of it (serious and critical violations kept for the view). */
  async function look(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const found: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
    violations[name] = found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }

  /** The figures of a page: name, exact value, text shown, and the period or slice of their row. */
  const figuresOn = (page: Page, scope = 'body') =>
    page.$$eval(`${scope} [data-figure]`, (els) =>
      els.map((e) => ({
        name: e.getAttribute('data-figure')!,
        value: e.getAttribute('data-value')!,
        text: e.textContent!.trim(),
        period: e.closest('tr')?.getAttribute('data-period') ?? null,
        slice: e.closest('tr')?.getAttribute('data-slice') ?? null,
      })),
    );

  /** An export link of a table on the page, fetched with the page's session. */
  async function exported(page: Page, table: string, format: 'csv' | 'xlsx'): Promise<string[][]> {
    const href = await page.getAttribute(`#table-${table} .exports a:text("${format.toUpperCase()}")`, 'href');
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    const body = await res.body();
    return format === 'csv' ? parseCsv(body.toString('utf8')) : parseXlsx(body);
  }

  it('a wrong key gets the sign-in form again, 401, with a message; the key is never in a URL', async () => {
    const context = await browser.newContext({ baseURL: platform.url, bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/console/sign-in');
    await page.fill('input[name=key]', 'g2g_not-a-key');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form.sign-in button[type=submit]')]);
    expect(answer.status()).toBe(401);
    await expect(page.textContent('[role=alert]')).resolves.toMatch(/密钥无效|not known/);
    expect(page.url()).not.toContain('g2g_');
    await look(page, 'sign-in');
  });

  it("the regulator's dashboard shows the figures of GET /figures, its charts, and breakdowns equal to the figures of each slice", async () => {
    const page = await signIn('NFRA');
    expect(new URL(page.url()).pathname).toBe('/console/dashboard');
    await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
    const expected = figureValues(await api('/figures', 'NFRA', PERIOD));
    const shown = await figuresOn(page);
    const whole = shown.filter((f) => f.period === null && f.slice === null);
    // every figure of the answer is on screen, and everything on screen is the answer's
    expect(new Set(whole.map((f) => f.name))).toEqual(new Set(expected.keys()));
    for (const f of whole) {
      expect([f.name, f.value]).toEqual([f.name, expected.get(f.name)]);
      if (/count|principal|amount|balance|fees|borrowers|support|recoveries|risk_borne/.test(f.name) && f.value !== '') expect([f.name, ungrouped(f.text)]).toEqual([f.name, f.value]);
    }
    expect(whole.find((f) => f.name === 'compensation.count')!.value).toBe('1');
    // a month's row is the figures of that month
    const march = shown.filter((f) => f.period === '2025-03-01..2025-03-31');
    expect(march.length).toBeGreaterThan(4);
    const marchFigures = figureValues(await api('/figures', 'NFRA', { from: '2025-03-01', to: '2025-03-31' }));
    for (const f of march) expect([f.name, f.value]).toEqual([f.name, marchFigures.get(f.name)]);
    // a bank's row of the breakdown is the figures of the slice of that bank
    const icbc = shown.filter((f) => f.slice === 'bank=ICBC');
    const icbcFigures = figureValues(await api('/figures', 'NFRA', { ...PERIOD, bank: 'ICBC' }));
    expect(icbc.length).toBe(6);
    for (const f of icbc) expect([f.name, f.value]).toEqual([f.name, icbcFigures.get(f.name)]);
    // the charts, drawn on the server, with the policy lines
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(9);
    const svgText = (await page.locator('figure.chart svg').allTextContents()).join(' ');
    for (const line of ['80%', '50%', '10x', '15x']) expect(svgText).toContain(line);
    await look(page, 'dashboard-regulator');
  });

  it('an as-of time before the claim shows the figures as the platform knew them then', async () => {
    const page = await signIn('NFRA');
    const history = await api(`/loans/ICBC/ICBC-1-00000002/history`, 'NFRA');
    const claimed = history.events.find((e: { event: string }) => e.event.includes('claim-paid')).recorded_at as string;
    const before = new Date(Date.parse(claimed) - 1000 + 8 * 3_600_000).toISOString().slice(0, 19); // China time, to the second
    await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}&as_of=${before}`);
    const then = figureValues(await api('/figures', 'NFRA', { ...PERIOD, as_of: `${before}+08:00` }));
    expect(then.get('compensation.count')).toBe('0');
    const shown = (await figuresOn(page)).filter((f) => f.period === null && f.slice === null);
    for (const f of shown) expect([f.name, f.value]).toEqual([f.name, then.get(f.name)]);
    await look(page, 'dashboard-as-of');
  });

  it("from a figure to the guarantees behind it, page by page, and to one loan's history", async () => {
    const page = await signIn('NFRA');
    const figures = await api('/figures', 'NFRA', PERIOD);
    await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
    await Promise.all([page.waitForURL(/\/console\/guarantees/), page.click('.cards a:has([data-figure="compensation.amount"])')]);
    const totals = Object.fromEntries((await figuresOn(page, '.totals')).map((f) => [f.name, f.value]));
    expect(totals).toEqual({ 'compensation.count': String(figures.compensation.count), 'compensation.amount': figures.compensation.amount });
    expect(await page.locator('#table-guarantees tbody tr').count()).toBe(figures.compensation.count);
    await look(page, 'guarantees-behind-compensation');
    await Promise.all([page.waitForURL(/\/console\/loans\/ICBC\/ICBC-1-00000002/), page.click('#table-guarantees a:text("ICBC-1-00000002")')]);
    // in Chinese by default: the events' names and their details, with the API's amounts
    const events = await page.locator('#table-history tbody tr td:nth-child(3)').allTextContents();
    expect(events).toEqual(['担保生效', '风险标签', '再担保分险', '代偿', '追偿分配']);
    const details = await page.locator('#table-history tbody tr td:nth-child(4)').allTextContents();
    expect(details[0]).toMatch(/^在 \S+ 下担保：本金 [\d,]+\.\d\d，担保费 [\d,]+\.\d\d；风险 /);
    expect(details[1]).toMatch(/^风险评分 0\.\d{4}（模型 g2g-risk-1）/);
    expect(details[3]).toContain('代偿（逾期自 2025-06-01）：代偿 ');
    expect(details[4]).toContain('追偿 100,000.00');
    await look(page, 'loan-history');
    await page.goto(`${new URL(page.url()).pathname}?lang=en`);
    expect(await page.locator('#table-history tbody tr td:nth-child(3)').allTextContents()).toEqual(['guarantee-issued', 'risk-labelled', 'guarantee-ceded', 'claim-paid', 'recovery-shared']);
    expect((await page.locator('#table-history tbody tr td:nth-child(4)').allTextContents())[4]).toContain('recovered 100,000.00');
    await page.goto(`${new URL(page.url()).pathname}?lang=zh`);
    // the new guarantees, 50 a page: the next page goes on where the first stopped, and the list's totals are the figure's
    await page.goto(`/console/guarantees?behind=new_guarantees&from=${PERIOD.from}&to=${PERIOD.to}`);
    const newTotals = Object.fromEntries((await figuresOn(page, '.totals')).map((f) => [f.name, f.value]));
    expect(newTotals).toEqual({ 'new_guarantees.count': String(figures.new_guarantees.count), 'new_guarantees.principal': figures.new_guarantees.principal });
    const first = await page.locator('#table-guarantees tbody tr td:first-child').allTextContents();
    await page.click('a[rel=next]');
    const second = await page.locator('#table-guarantees tbody tr td:first-child').allTextContents();
    expect(first.length).toBe(50);
    expect(second[0] > first[49]).toBe(true);
    // filtered: a loan id prefix
    await page.goto(`/console/guarantees?behind=new_guarantees&from=${PERIOD.from}&to=${PERIOD.to}&loan_id=ICBC-1-0000001`);
    expect(await page.locator('#table-guarantees tbody tr td:first-child').allTextContents()).toEqual(expect.arrayContaining(['ICBC-1-00000010']));
    // every guarantee behind the figure is in its export, not just the page on screen
    const rows = await exported(page, 'guarantees', 'csv');
    expect(rows.length - 1).toBe(Number((await figuresOn(page, '.totals')).find((f) => f.name === 'new_guarantees.count')!.value));
  });

  it('every table of the dashboard exports to CSV and XLSX with the numbers on screen', async () => {
    const page = await signIn('NFRA');
    await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
    const expected = figureValues(await api('/figures', 'NFRA', PERIOD));
    for (const format of ['csv', 'xlsx'] as const) {
      const [header, ...rows] = await exported(page, 'figures', format);
      expect(header.length).toBe(3);
      expect(new Map(rows.map((r) => [r[1], r[2]]))).toEqual(expected);
    }
    for (const table of ['monthly', 'programmes', 'by-bank', 'by-guarantor', 'by-province', 'by-industry_section', 'by-programme']) {
      const shownRows = await page.locator(`#table-${table} tbody tr`).count();
      const firstRowValues = await page.$$eval(`#table-${table} tbody tr:first-child td`, (tds) => tds.map((td) => td.getAttribute('data-value') ?? td.textContent!.replace(/,/g, '').trim()));
      for (const format of ['csv', 'xlsx'] as const) {
        const [, ...rows] = await exported(page, table, format);
        expect([table, format, rows.length]).toEqual([table, format, shownRows]);
        // the same cells: exact values where the screen has one, else the text
        const numbers = firstRowValues.filter((v) => /^\d/.test(v) && !v.includes('%'));
        for (const n of numbers) expect(rows[0]).toContain(n);
      }
    }
    // a real download, through the browser's own download
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#table-figures .exports a:text("XLSX")')]);
    const [, ...fromDisk] = await parseXlsx(readFileSync((await download.path())!));
    expect(new Map(fromDisk.map((r) => [r[1], r[2]]))).toEqual(expected);
  });

  it('the roll-forward report balances, ties out with the figures and the audit, and carries the signature lines in print and exports', async () => {
    const page = await signIn('NFRA');
    await page.goto(`/console/roll-forward?from=2025-07-01&to=2025-12-31&by=guarantor`);
    const balanced = await page.locator('#table-roll-forward tbody td:last-child').allTextContents();
    expect(balanced.length).toBeGreaterThan(1);
    expect(new Set(balanced)).toEqual(new Set(['✓']));
    expect(new Set(await page.locator('#table-tie-out tbody td:last-child').allTextContents())).toEqual(new Set(['✓']));
    const report = await api('/roll-forward', 'NFRA', { from: '2025-07-01', to: '2025-12-31', by: 'guarantor' });
    const figures = await api('/figures', 'NFRA', { from: '2025-07-01', to: '2025-12-31' });
    expect(report.total.closing.amount).toBe(figures.outstanding_balance);
    expect(report.total.compensation.amount).toBe(figures.compensation.amount);
    for (const label of ['单位负责人', '统计负责人', '填表人']) await expect(page.locator('.signatures').textContent()).resolves.toContain(label);
    await look(page, 'roll-forward');
    await page.click('a:text("运行审计（读取全部事件）")');
    await expect(page.getAttribute('[data-audit]', 'data-audit')).resolves.toBe('passed');
    for (const format of ['csv', 'xlsx'] as const) {
      const rows = await exported(page, 'roll-forward', format);
      const total = rows.find((r) => r[0] === '合计')!;
      expect(total).toContain(report.total.closing.amount);
      expect(total).toContain(report.total.opening.amount);
      expect(rows.flat().join(' ')).toMatch(/单位负责人.*统计负责人.*填表人/);
    }
    await page.goto(`/console/roll-forward?from=2025-07-01&to=2025-12-31&by=programme&print=1`);
    expect(await page.locator('body.printable').count()).toBe(1);
    expect(await page.locator('header nav').isVisible()).toBe(false);
    await look(page, 'roll-forward-printable');
    writeFileSync(join(SHOTS, 'roll-forward-printable.pdf'), await page.pdf({ format: 'A4', landscape: true }));
  });

  it('switches between Chinese and English, and remembers the choice', async () => {
    const page = await signIn('NFRA');
    await expect(page.textContent('h1')).resolves.toBe('监管看板');
    await Promise.all([page.waitForURL(/lang=en/), page.click('a[data-lang=en]')]);
    await expect(page.textContent('h1')).resolves.toBe('Dashboard');
    await expect(page.getAttribute('html', 'lang')).resolves.toBe('en');
    await look(page, 'dashboard-english');
    await page.goto('/console/roll-forward');
    await expect(page.textContent('h1')).resolves.toMatch(/^Roll-forward report/);
    await page.click('a[data-lang=zh]');
    await page.goto('/console/dashboard');
    await expect(page.textContent('h1')).resolves.toBe('监管看板');
  });

  it('the operator signs in with its key and sees the dashboard', async () => {
    const page = await signIn('OPERATOR');
    await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}&bank=ICBC`);
    const expected = figureValues(await api('/figures', 'OPERATOR', { ...PERIOD, bank: 'ICBC' }));
    const shown = (await figuresOn(page)).filter((f) => f.period === null && f.slice === null);
    for (const f of shown) expect([f.name, f.value]).toEqual([f.name, expected.get(f.name)]);
    await look(page, 'dashboard-operator');
  });

  it("a guarantor, a re-guarantor and the Fund see their positions, claims and breakers; the re-guarantor its cession statement", async () => {
    const figures = await api('/figures', 'NFRA', PERIOD);
    for (const code of ['BJ-GUOHUA', 'BJ-REG', 'NFGF']) {
      const page = await signIn(code);
      expect(new URL(page.url()).pathname).toBe('/console/position');
      await page.goto(`/console/position?from=${PERIOD.from}&to=${PERIOD.to}`);
      const values = await page.locator('#table-position tbody td:nth-child(2)').allTextContents();
      expect(values.map(ungrouped)).toContain(figures.risk_borne[code]);
      if (code !== 'BJ-GUOHUA') expect(values.map(ungrouped)).toContain(figures.support[code]);
      expect(await page.locator('#table-claims tbody tr').count()).toBe(1);
      await expect(page.getAttribute(`[data-programme="${PROGRAMME}"]`, 'data-suspended')).resolves.toBe('false');
      await look(page, `position-${code}`);
      // the regulator's figures are not theirs
      expect((await page.goto('/console/dashboard'))!.status()).toBe(403);
    }
    const page = await signIn('BJ-REG');
    await page.goto('/console/statements?month=2025-03');
    const statement = await api(`/statements/BJ-REG/2025-03`, 'BJ-REG');
    expect(await page.locator('#table-statement tbody tr:not(.total)').count()).toBe(statement.loans);
    const [, ...rows] = await exported(page, 'statement', 'xlsx');
    expect(rows.length).toBe(statement.loans + 1);
    expect(rows[rows.length - 1]).toContain(statement.risk);
    await look(page, 'statement-BJ-REG');
  });

  it('a bank gets 403 on a regulator page, uploads a file from the browser and watches it complete, filters its rows and downloads them', async () => {
    const page = await signIn('ICBC');
    expect(new URL(page.url()).pathname).toBe('/console/batches');
    await look(page, 'batches-bank');
    const forbidden = await page.goto(`/console/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
    expect(forbidden!.status()).toBe(403);
    await expect(page.textContent('[role=alert]')).resolves.toContain('FORBIDDEN');
    await look(page, 'forbidden-bank-on-dashboard');
    expect((await page.goto('/console/roll-forward'))!.status()).toBe(403);

    await cli('generate', '--rows', '400', '--bank', 'ICBC', '--seed', '2', '--invalid-every', '40', '--out', join(dir, 'icbc-2.csv'));
    await page.goto('/console/batches');
    await page.selectOption('#u-kind', 'loans');
    await page.fill('#u-programme', PROGRAMME);
    await page.fill('#u-ref', 'icbc-002');
    await page.setInputFiles('#u-file', join(dir, 'icbc-2.csv'));
    await Promise.all([page.waitForURL(/\/console\/batches\/loans\/icbc-002$/), page.click('form[data-upload] button[type=submit]')]);
    await page.waitForSelector('[data-progress-url][data-was-complete="true"]', { timeout: 60_000 });
    const summary = await api('/banks/ICBC/batches/icbc-002', 'ICBC');
    expect(summary).toMatchObject({ rows: 400, complete: true, invalid: 10 });
    const counts = Object.fromEntries(await page.$$eval('[data-count]', (els) => els.map((e) => [e.getAttribute('data-count'), e.textContent!.replace(/,/g, '')])));
    expect(counts).toEqual({ rows: '400', approved: String(summary.approved), rejected: String(summary.rejected), invalid: '10', pending: '0' });
    await look(page, 'batch-complete');

    await page.selectOption('#f-outcome', 'invalid');
    await Promise.all([page.waitForURL(/outcome=invalid/), page.click('form.query button[type=submit]')]);
    const outcomes = await page.locator('#table-rows tbody td:nth-child(3)').allTextContents();
    expect(outcomes).toEqual(Array(10).fill('invalid'));
    const code = (await page.locator('#table-rows tbody td:nth-child(4)').first().textContent())!.split(' ')[0];
    await page.fill('#f-code', code);
    await Promise.all([page.waitForURL(/code=/), page.click('form.query button[type=submit]')]);
    const withCode = await page.locator('#table-rows tbody td:nth-child(4)').allTextContents();
    expect(withCode.length).toBeGreaterThan(0);
    for (const c of withCode) expect(c.split(' ')).toContain(code);
    await look(page, 'batch-rows-filtered');
    await page.goto('/console/batches/loans/icbc-002');
    for (const format of ['csv', 'xlsx'] as const) {
      const [, ...rows] = await exported(page, 'rows', format);
      expect(rows.length).toBe(400);
      const api1 = await api('/banks/ICBC/batches/icbc-002/rows', 'ICBC', { limit: '1' });
      expect(rows[0].slice(0, 3)).toEqual([String(api1.rows[0].row), api1.rows[0].loan_id, api1.rows[0].outcome]);
    }
  });

  it('a bank without JavaScript uploads a file through the form itself; a form without the session’s token, or from another origin, files nothing', async () => {
    const page = await signIn('ICBC', { javaScript: false });
    await cli('generate', '--rows', '120', '--bank', 'ICBC', '--seed', '3', '--out', join(dir, 'icbc-3.csv'));
    await page.goto('/console/batches');
    await page.selectOption('#u-kind', 'loans');
    await page.fill('#u-programme', PROGRAMME);
    await page.fill('#u-ref', 'icbc-003');
    await page.setInputFiles('#u-file', join(dir, 'icbc-3.csv'));
    await Promise.all([page.waitForURL(/\/console\/batches\/loans\/icbc-003$/), page.click('form[data-upload] button[type=submit]')]);
    expect(await page.textContent('main')).toContain('icbc-003');
    let summary: { rows: number; complete: boolean } = { rows: 0, complete: false };
    for (let i = 0; i < 300 && !summary.complete; i++) {
      summary = await api('/banks/ICBC/batches/icbc-003', 'ICBC');
      if (!summary.complete) await new Promise((r) => setTimeout(r, 100));
    }
    expect(summary).toMatchObject({ rows: 120, complete: true });

    const origin = platform.url;
    await page.goto('/console/batches');
    const csrf = await page.getAttribute('form[data-upload] input[name=_csrf]', 'value');
    const file = { name: 'forged.csv', mimeType: 'text/csv', buffer: readFileSync(join(dir, 'icbc-3.csv')) };
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      page.request.post('/console/batches/upload', { multipart: { ...fields, kind: 'loans', programme: PROGRAMME, ref: 'csrf-2', file }, headers, maxRedirects: 0 });
    expect((await post({}, { origin })).status()).toBe(403);
    expect((await post({ _csrf: 'forged' }, { origin })).status()).toBe(403);
    expect((await post({ _csrf: csrf! }, { origin: 'http://elsewhere.example' })).status()).toBe(403);
    const res = await fetch(`${platform.url}/banks/ICBC/batches/csrf-2`, { headers: { authorization: `Bearer ${keys.ICBC}` } });
    expect(res.status).toBe(404); // nothing was filed
    expect((await post({ _csrf: csrf! }, { origin })).status()).toBe(303); // the same form with the token goes through
  });

  it('refuses writes without the session’s CSRF token, or from another origin', async () => {
    const page = await signIn('ICBC');
    const origin = platform.url;
    const csrf = await page.getAttribute('form[data-upload]', 'data-csrf');
    const put = (headers: Record<string, string>) => page.request.put('/console/batches/loans/csrf-1/upload?programme=NFGF-G2G-BJ-2025&format=csv', { headers: { 'content-type': 'text/csv', ...headers }, data: 'loan_id\n' });
    expect((await put({ origin })).status()).toBe(403);
    expect((await put({ origin, 'x-csrf-token': 'forged' })).status()).toBe(403);
    expect((await put({ origin: 'http://elsewhere.example', 'x-csrf-token': csrf! })).status()).toBe(403);
    expect((await put({ origin, 'x-csrf-token': csrf!, 'sec-fetch-site': 'cross-site' })).status()).toBe(403);
    const res = await fetch(`${platform.url}/banks/ICBC/batches/csrf-1`, { headers: { authorization: `Bearer ${keys.ICBC}` } });
    expect(res.status).toBe(404); // nothing was filed
    expect((await page.request.post('/console/sign-out', { form: {}, headers: { origin } })).status()).toBe(403);
    expect((await page.request.post('/console/sign-in', { form: { key: keys.ICBC }, headers: { origin: 'http://elsewhere.example' }, maxRedirects: 0 })).status()).toBe(403);
    // still signed in; with the token the sign-out goes through and the session is over
    await page.goto('/console/batches');
    await Promise.all([page.waitForURL(/sign-in/), page.click('header form button[type=submit]')]);
    expect(new URL((await page.goto('/console/batches'))!.url()).pathname).toBe('/console/sign-in');
  });

  it("no participant's key appears in what the platform wrote", () => {
    const output = platform.output();
    expect(output).toContain('ready');
    for (const [code, key] of Object.entries(keys)) expect([code, output.includes(key)]).toEqual([code, false]);
  });

  it('no view has a serious or critical accessibility violation (axe-core)', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(14);
    expect(Object.fromEntries(Object.entries(violations).filter(([, v]) => v.length > 0))).toEqual({});
  });
});
