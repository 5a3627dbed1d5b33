/**
 * End to end in a real headless Chromium against a real PostgreSQL: the rendered tables equal the
 * source rows, changes appear without a reload, a hostile team name is shown as text, the connection
 * state follows the database, and screenshots (laptop and phone) are saved under test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { BrowserContext, Page } from 'playwright-core';
import { METRICS, postgresTablesDdl } from '../../common/contract';
import { chromiumCheck, launchChromium } from '../../test-support/browser';
import { PgServer, postgresCheck, startPostgres } from '../../test-support/postgres';
import { describeWith } from '../../test-support/prerequisites';
import { formatCell } from '../src/board-views';
import { RunningDashboard } from '../src/dashboard';
import { dashboardPostgresSetupSql } from '../src/postgres-setup';
import { runDashboard } from './helpers';

const OUTPUT = resolve(__dirname, '..', '..', 'test-output');
const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_IMG = '<img src=x onerror=alert(2)>';

/** Seeds the boards with plausible data; hot_streaks starts empty to show the empty state. */
async function seed(db: Client): Promise<void> {
  const teams = ['Amber-Koala', HOSTILE, 'Blue-Fox', 'Cyan-Owl', 'Dusky-Lynx', 'Ember-Wolf', 'Frost-Hare', 'Golden-Ibis', HOSTILE_IMG, 'Indigo-Yak'];
  for (let i = 0; i < teams.length; i++) {
    await db.query('INSERT INTO leaderboard.top_teams VALUES ($1, $2, $3, $4)', [i + 1, String(4100000000 + i * 7919), teams[i], 9800 - i * 731]);
    await db.query('INSERT INTO leaderboard.top_players VALUES ($1, $2, $3, $4)', [i + 1, `USR-${String(i).padStart(2, '0')}-${4100000000 + i * 7919}`, teams[i], 2400 - i * 187]);
    await db.query('INSERT INTO leaderboard.team_mvps VALUES ($1, $2, $3, $4, $5, $6)', [
      i + 1, `USR-0${i}-${4100000000 + i * 7919}`, teams[i], 900 - i * 60, 1000 + i * 90, (900 - i * 60) / (1000 + i * 90),
    ]);
  }
  for (let i = 0; i < 3; i++) {
    const peers = 12 - i * 3;
    await db.query('INSERT INTO leaderboard.suspected_bots VALUES ($1, $2, $3, $4, $5, $6)', [
      i + 1, `RBT-0${i}-${4100000000 + i * 7919}`, teams[i], 120 - i * 20, (120 - i * 20) / peers + 0.25, peers - 0.5,
    ]);
  }
}

async function renderedTable(page: Page, id: string): Promise<string[][]> {
  return page.$$eval(`section[data-board="${id}"] tbody tr`, (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent ?? '')));
}

async function sourceTable(db: Client, id: string): Promise<string[][]> {
  const metric = METRICS.find((m) => m.id === id)!;
  const { rows } = await db.query(`SELECT * FROM leaderboard.${metric.table} ORDER BY rnk`);
  return rows.map((row) => metric.columns.map((c) => formatCell(c.name, c.type === 'STRING' ? row[c.name] : Number(row[c.name]))));
}

describeWith([postgresCheck, chromiumCheck])('dashboard page in a real browser', () => {
  let pg: PgServer;
  let db: Client;
  let dashboard: RunningDashboard;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    pg = await startPostgres({ database: 'leaderboard' });
    db = new Client({ connectionString: pg.url });
    db.on('error', () => undefined);
    await db.connect();
    await db.query(postgresTablesDdl());
    await db.query(dashboardPostgresSetupSql({ password: { value: 'e2e-reader' } }));
    await seed(db);
    dashboard = await runDashboard(['--source', 'jdbc'], { PGHOST: pg.host, PGPORT: String(pg.port), PGDATABASE: 'leaderboard', PGPASSWORD: 'e2e-reader' });
    context = await launchChromium();
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(dashboard.url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-connection="live"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('section[data-board="top_teams"] tbody tr').length === 10, undefined, { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await dashboard?.close();
    await db?.end().catch(() => undefined);
    await pg?.stop();
  }, 90_000);

  it('renders every board equal to its table, and says when one is empty', async () => {
    for (const metric of METRICS) {
      expect(await renderedTable(page, metric.id)).toEqual(await sourceTable(db, metric.id));
    }
    expect(await page.textContent('section[data-board="hot_streaks"] .empty')).toBe('No player is on a streak right now.');
    expect(await page.isVisible('section[data-board="hot_streaks"] table')).toBe(false);
    expect(await page.textContent('#connection')).toBe('live');
    expect(await page.textContent('#updated')).toMatch(/^Last update \d/);
  });

  it('shows hostile names as text, never as markup', async () => {
    const cells = await page.$$eval('section[data-board="top_teams"] td.col-team_name', (tds) => tds.map((td) => ({ text: td.textContent, children: td.children.length })));
    expect(cells).toContainEqual({ text: HOSTILE, children: 0 });
    expect(cells).toContainEqual({ text: HOSTILE_IMG, children: 0 });
    expect(await page.$$('main script, main img')).toHaveLength(0);
    expect(dialogs).toEqual([]);
  });

  it('shows a change without a reload and highlights the changed rows', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await db.query(`INSERT INTO leaderboard.hot_streaks VALUES (1, 'USR-03-4100023757', 14.5, 6.25, 2.32), (2, 'USR-01-4100007919', 9, 5.5, 1.636), (3, 'USR-08-4100063352', 6, 4.8, 1.25)`);
    await db.query(`UPDATE leaderboard.top_teams SET total_score = 9999 WHERE rnk = 1`);
    await page.waitForFunction(() => document.querySelectorAll('section[data-board="hot_streaks"] tbody tr').length === 3, undefined, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('section[data-board="top_teams"] tbody tr td.col-total_score')?.textContent === '9,999', undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    expect(await renderedTable(page, 'hot_streaks')).toEqual(await sourceTable(db, 'hot_streaks'));
    expect(await renderedTable(page, 'top_teams')).toEqual(await sourceTable(db, 'top_teams'));
    expect(await page.$$eval('section[data-board="top_teams"] tbody tr[data-changed]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.rank))).toEqual(['1']);
    // After the highlight has faded, so the picture shows the settled page.
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
  });

  it('cuts a very long name in the page, with the whole name in its title, and leaves the data whole', async () => {
    const long = `Very-Long-${'x'.repeat(2000)}`;
    await db.query('UPDATE leaderboard.top_players SET team_name = $1 WHERE rnk = 2', [long]);
    await page.waitForFunction((n) => document.querySelector('section[data-board="top_players"] tbody tr:nth-child(2) td.col-team_name')?.getAttribute('title')?.length === n, long.length, { timeout: 15_000 });
    const cell = await page.$eval('section[data-board="top_players"] tbody tr:nth-child(2) td.col-team_name', (td) => {
      const wrap = td.closest('.table-wrap')!;
      return { text: td.textContent, title: td.getAttribute('title'), clipped: td.scrollWidth > td.clientWidth, tableOverflow: wrap.scrollWidth - wrap.clientWidth };
    });
    expect(cell.text).toBe(long);
    expect(cell.title).toBe(long);
    // Cut with an ellipsis in its cell; the table stays within its panel (nothing to scroll sideways).
    expect(cell.clipped).toBe(true);
    expect(cell.tableOverflow).toBeLessThanOrEqual(0);
    const api = (await (await fetch(`${dashboard.url}/api/leaderboards`)).json()) as { boards: Record<string, { rows: Record<string, unknown>[] }> };
    expect(api.boards.top_players.rows[1].team_name).toBe(long);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('fits a phone screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(dashboard.url, { waitUntil: 'load' });
    await phone.waitForSelector('body[data-connection="live"]', { timeout: 30_000 });
    await phone.waitForTimeout(400);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(OUTPUT, 'dashboard-phone.png'), fullPage: true });
    await phone.close();
  });

  it('says "reconnecting" while the database is away and goes live again by itself', async () => {
    const restarted = pg.restart();
    await page.waitForSelector('body[data-connection="reconnecting"]', { timeout: 30_000 });
    expect(await page.textContent('#connection')).toBe('reconnecting');
    await restarted;
    await page.waitForSelector('body[data-connection="live"]', { timeout: 30_000 });
    await db.end().catch(() => undefined);
    db = new Client({ connectionString: pg.url });
    db.on('error', () => undefined);
    await db.connect();
    await db.query(`UPDATE leaderboard.top_players SET total_score = 2500 WHERE rnk = 1`);
    await page.waitForFunction(() => document.querySelector('section[data-board="top_players"] tbody tr td.col-total_score')?.textContent === '2,500', undefined, { timeout: 15_000 });
  }, 90_000);

  it('logged no script error and no blocked resource', () => {
    expect(consoleErrors).toEqual([]);
  });
});
