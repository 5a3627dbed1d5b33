/**
 * Dashboard benchmark (a script, not a test). Starts real PostgreSQL and Kafka on loopback, runs the
 * dashboard as its own process, and measures:
 *  - freshness: time from a row change in PostgreSQL / in a sink topic to the update in a headless
 *    Chromium page (taken in the page by a MutationObserver), sequential changes;
 *  - fan-out: N concurrent SSE clients, the service's CPU while changes are pushed, the delivery delay
 *    from the database write to each client's receipt, and source reads per change.
 * Usage: npx ts-node --transpile-only bench/dashboard.ts [--changes 1000] [--clients 1000] [--fanout-changes 200]
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { BrowserContext, Page } from 'playwright-core';
import { METRICS, postgresTablesDdl } from '../common/contract';
import { launchChromium } from '../test-support/browser';
import { KafkaBroker, freePorts, startKafka } from '../test-support/kafka';
import { PgServer, startPostgres } from '../test-support/postgres';
import { dashboardPostgresSetupSql } from '../dashboard/src/postgres-setup';

const root = resolve(__dirname, '..');

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer, got '${process.argv[i + 1]}'`);
  return n;
}

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Service {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startService(flags: string[], env: NodeJS.ProcessEnv): Promise<Service> {
  const [port] = await freePorts(1);
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'dashboard/src/cli.ts', '--port', String(port), '--log-level', 'warn', ...flags], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    await sleep(200);
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Process CPU time in ms from /proc (utime + stime, in clock ticks of 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stats(url: string): Promise<{ sourceReads: number; publishes: number }> {
  return (await (await fetch(`${url}/api/leaderboards`)).json()).stats;
}

/**
 * Opens the page and reports, through a binding, the page-side time at which rank 1 of Top Teams shows a
 * new team name. Returns a function that waits for a given name.
 */
async function watchPage(context: BrowserContext, url: string): Promise<{ page: Page; seen: (name: string) => Promise<number> }> {
  const page = await context.newPage();
  const waiting = new Map<string, (at: number) => void>();
  await page.exposeBinding('benchSeen', (_source, name: string, at: number) => waiting.get(name)?.(at));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-connection="live"]', { timeout: 30_000 });
  await page.evaluate(() => {
    const body = document.querySelector('section[data-board="top_teams"] tbody') as HTMLElement;
    new MutationObserver(() => {
      const name = body.querySelector('tr td.col-team_name')?.textContent;
      if (name) (window as unknown as { benchSeen: (n: string, t: number) => void }).benchSeen(name, Date.now());
    }).observe(body, { childList: true, subtree: true, characterData: true });
  });
  return {
    page,
    seen: (name) =>
      new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`page did not show '${name}' within 10 s`)), 10_000);
        waiting.set(name, (at) => {
          clearTimeout(timer);
          waiting.delete(name);
          done(at);
        });
      }),
  };
}

async function freshness(label: string, changes: number, url: string, context: BrowserContext, write: (name: string) => Promise<void>) {
  const { page, seen } = await watchPage(context, url);
  const before = await stats(url);
  const delays: number[] = [];
  for (let i = 0; i < changes; i++) {
    const name = `${label}-${i}`;
    const shown = seen(name);
    const start = Date.now();
    await write(name);
    delays.push((await shown) - start);
    if ((i + 1) % 250 === 0) progress(`${label}: ${i + 1}/${changes} changes`);
  }
  const after = await stats(url);
  await page.close();
  return { changes, p50: percentile(delays, 50), p99: percentile(delays, 99), max: Math.max(...delays), readsPerChange: (after.sourceReads - before.sourceReads) / changes };
}

/** N raw SSE connections; resolves each client's receipt time of a frame containing a marker. */
async function openClients(url: string, count: number) {
  const receipts = new Map<string, number[]>();
  const sockets: { destroy(): void }[] = [];
  const opened = Array.from({ length: count }, () =>
    new Promise<void>((done, fail) => {
      const req = get(`${url}/api/stream`, { agent: false }, (res) => {
        if (res.statusCode !== 200) return fail(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let first = true;
        res.on('data', (chunk: string) => {
          const at = Date.now();
          if (first) {
            first = false;
            done();
          }
          for (const marker of new Set(Array.from(chunk.matchAll(/fanout-\d+/g), (m) => m[0]))) {
            const list = receipts.get(marker) ?? [];
            list.push(at);
            receipts.set(marker, list);
          }
        });
      });
      req.on('error', fail);
      sockets.push(req);
    }),
  );
  await Promise.all(opened);
  return { receipts, close: () => sockets.forEach((s) => s.destroy()) };
}

async function fanout(service: Service, clients: number, changes: number, write: (name: string) => Promise<void>) {
  progress(`fan-out: opening ${clients} SSE clients`);
  const { receipts, close } = await openClients(service.url, clients);
  await sleep(1000);
  const before = await stats(service.url);
  const cpuBefore = cpuMs(service.child.pid!);
  const started = Date.now();
  const writes = new Map<string, number>();
  for (let i = 0; i < changes; i++) {
    const name = `fanout-${i}`;
    writes.set(name, Date.now());
    await write(name);
    // 10 changes a second, about what a busy leaderboard sink produces.
    await sleep(100);
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (receipts.get(`fanout-${changes - 1}`)?.length ?? 0) < clients) await sleep(100);
  const wall = Date.now() - started;
  const cpu = cpuMs(service.child.pid!) - cpuBefore;
  const after = await stats(service.url);
  close();
  const delays: number[] = [];
  let delivered = 0;
  for (const [name, written] of writes) {
    for (const at of receipts.get(name) ?? []) {
      delays.push(at - written);
      delivered++;
    }
  }
  return {
    clients,
    changes,
    delivered,
    expected: clients * changes,
    cpuPercent: Math.round((cpu / wall) * 1000) / 10,
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    readsPerChange: (after.sourceReads - before.sourceReads) / changes,
  };
}

async function main(): Promise<void> {
  const changes = flag('changes', 1000);
  const clients = flag('clients', 1000);
  const fanoutChanges = flag('fanout-changes', 200);
  let pg: PgServer | undefined;
  let broker: KafkaBroker | undefined;
  let context: BrowserContext | undefined;
  const services: Service[] = [];
  let producer: Producer | undefined;
  let db: Client | undefined;
  try {
    progress('starting PostgreSQL, Kafka and Chromium');
    [pg, broker, context] = await Promise.all([startPostgres({ database: 'leaderboard' }), startKafka(), launchChromium()]);
    db = new Client({ connectionString: pg.url });
    await db.connect();
    await db.query(postgresTablesDdl());
    await db.query(dashboardPostgresSetupSql({ password: { value: 'bench-reader' } }));
    await db.query(`INSERT INTO leaderboard.top_teams VALUES (1, 'T-0', 'start', 1)`);
    for (const metric of METRICS) await broker.createTopic(metric.topic, 1, { 'cleanup.policy': 'compact' });
    producer = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();

    const pgEnv = { PGHOST: pg.host, PGPORT: String(pg.port), PGDATABASE: 'leaderboard', PGPASSWORD: 'bench-reader' };
    const jdbc = await startService(['--source', 'jdbc'], pgEnv);
    services.push(jdbc);
    const kafka = await startService(['--source', 'kafka', '--kafka-bootstrap-servers', broker.bootstrapServers], {});
    services.push(kafka);

    const writePg = async (name: string) => {
      await db!.query(`UPDATE leaderboard.top_teams SET team_name = $1, team_id = $1 WHERE rnk = 1`, [name]);
    };
    const writeKafka = async (name: string) => {
      await producer!.send({ topic: 'top-teams', acks: 1, messages: [{ key: '{"rnk":1}', value: JSON.stringify({ rnk: 1, team_id: name, team_name: name, total_score: 1 }) }] });
    };

    progress(`freshness: ${changes} changes through PostgreSQL`);
    const pgFresh = await freshness('pg', changes, jdbc.url, context, writePg);
    progress(`freshness: ${changes} changes through the top-teams topic`);
    const kafkaFresh = await freshness('kafka', changes, kafka.url, context, writeKafka);
    const fan = await fanout(jdbc, clients, fanoutChanges, writePg);

    const result = { freshness: { postgresql: pgFresh, kafka: kafkaFresh }, fanout: fan };
    mkdirSync(join(root, 'test-output'), { recursive: true });
    writeFileSync(join(root, 'test-output', 'dashboard-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      [
        '| measurement | changes | p50 ms | p99 ms | max ms | source reads per change |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| freshness PostgreSQL -> browser | ${pgFresh.changes} | ${pgFresh.p50} | ${pgFresh.p99} | ${pgFresh.max} | ${pgFresh.readsPerChange.toFixed(2)} |`,
        `| freshness Kafka topic -> browser | ${kafkaFresh.changes} | ${kafkaFresh.p50} | ${kafkaFresh.p99} | ${kafkaFresh.max} | ${kafkaFresh.readsPerChange.toFixed(2)} |`,
        '',
        '| fan-out | clients | changes | delivered / expected | service CPU | p50 delay ms | p99 delay ms | source reads per change |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| PostgreSQL -> SSE | ${fan.clients} | ${fan.changes} | ${fan.delivered} / ${fan.expected} | ${fan.cpuPercent} % | ${fan.p50} | ${fan.p99} | ${fan.readsPerChange.toFixed(2)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await context?.close().catch(() => undefined);
    for (const service of services) await service.stop();
    await producer?.disconnect().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await broker?.stop();
    await pg?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
