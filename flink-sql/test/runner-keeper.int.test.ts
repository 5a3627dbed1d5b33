/**
 * The Docker submitter as a job keeper, against a stand-in of the JobManager's REST API: it submits
 * each job once, and when the session loses a job (a JobManager restart without HA) or the job fails,
 * resubmits it from the latest complete retained checkpoint of the jobs it submitted, or from scratch
 * when there is none. The real-cluster path runs in pipeline.int.test.ts and the Docker fault suite.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { flinkArtifacts, flinkCheck, runRunner, SUBMITTER_MAIN } from '../../test-support/flink';
import { describeWith } from '../../test-support/prerequisites';
import { tempDir } from '../../test-support/temp-dirs';

interface Job { jid: string; name: string; state: string }
interface RunRequest { entryClass: string; programArgsList: string[]; parallelism: number; savepointPath?: string; allowNonRestoredState?: boolean }

/** Just the endpoints the keeper uses, with the shapes Flink 1.20 answers with. */
class FakeJobManager {
  jobs: Job[] = [];
  jars: { id: string; name: string }[] = [];
  runs: RunRequest[] = [];
  uploads = 0;
  private server!: Server;
  private nextId = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.answer(req).then((body) => {
        res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body ?? { errors: ['Not found'] }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** What a JobManager restart without HA leaves: no jobs, no uploaded jars. */
  restart(): void {
    this.jobs = [];
    this.jars = [];
  }

  private async answer(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    if (url === '/overview') return { 'slots-total': 4, 'slots-available': 4 - this.jobs.filter((j) => j.state === 'RUNNING').length };
    if (url === '/jobs/overview') return { jobs: this.jobs };
    if (url === '/jars' && req.method === 'GET') return { address: 'http://jm:8081', files: this.jars };
    if (url === '/jars/upload') {
      this.uploads++;
      const id = `upload${this.uploads}_leaderboard-sql-runner.jar`;
      this.jars.push({ id, name: 'leaderboard-sql-runner.jar' });
      return { filename: `/tmp/flink-web-upload/${id}`, status: 'success' };
    }
    const run = /^\/jars\/([^/]+)\/run$/.exec(url);
    if (run && this.jars.some((j) => j.id === run[1])) {
      const request = JSON.parse(body) as RunRequest;
      this.runs.push(request);
      const jid = `${++this.nextId}`.padStart(32, '0');
      this.jobs.push({ jid, name: path.basename(request.programArgsList[1], '.sql'), state: 'RUNNING' });
      return { jobid: jid };
    }
    return undefined;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeWith([flinkCheck])('Docker submitter as job keeper', () => {
  const jm = new FakeJobManager();
  const work = tempDir('keeper-test');
  const checkpoints = path.join(work, 'checkpoints');
  const healthFile = path.join(work, 'jobs-alive');
  const stateFile = path.join(checkpoints, 'leaderboard-submitted-jobs.json');
  let keeper: ChildProcess;
  let log = '';
  const submitted = (): Record<string, string[]> => (JSON.parse(readFileSync(stateFile, 'utf8')) as { jobs: Record<string, string[]> }).jobs;
  const checkpoint = (jid: string, n: number, complete: boolean): string => {
    const dir = path.join(checkpoints, jid, `chk-${n}`);
    mkdirSync(dir, { recursive: true });
    if (complete) writeFileSync(path.join(dir, '_metadata'), 'metadata');
    return dir;
  };

  beforeAll(async () => {
    mkdirSync(checkpoints);
    const restUrl = await jm.start();
    keeper = spawn('java', ['-cp', flinkArtifacts().runnerJar, SUBMITTER_MAIN,
      '--rest-url', restUrl, '--jar', flinkArtifacts().runnerJar, '--checkpoints-dir', checkpoints,
      '--watch', '1', '--health-file', healthFile, '--parallelism', '3',
      '--job', 'alpha=/opt/flink/jobs/alpha.sql', '--job', 'beta=/opt/flink/jobs/beta.sql'], { stdio: ['ignore', 'ignore', 'pipe'] });
    keeper.stderr!.on('data', (d: Buffer) => { log += d.toString('utf8'); });
  });

  afterAll(async () => {
    keeper?.kill();
    await jm.stop();
  });

  it('submits each job once, records its id on the checkpoint volume and reports health', async () => {
    await until('the health file', () => (existsSync(healthFile) ? true : undefined));
    expect(jm.runs.map((r) => r.programArgsList)).toEqual([['--script', '/opt/flink/jobs/alpha.sql'], ['--script', '/opt/flink/jobs/beta.sql']]);
    expect(jm.runs.every((r) => r.savepointPath === undefined)).toBe(true);
    // Flink's jar run would take 1 without it, whatever the cluster's parallelism.default.
    expect(jm.runs.map((r) => r.parallelism)).toEqual([3, 3]);
    expect(submitted()).toEqual({ alpha: [jm.jobs[0].jid], beta: [jm.jobs[1].jid] });
    await new Promise((r) => setTimeout(r, 2500));
    expect(jm.runs).toHaveLength(2);
    expect(jm.uploads).toBe(1);
  });

  it('resubmits the jobs a restarted JobManager lost, each from its latest complete checkpoint', async () => {
    const [alpha, beta] = jm.jobs.map((j) => j.jid);
    checkpoint(alpha, 6, true);
    const latest = checkpoint(alpha, 7, true);
    checkpoint(alpha, 8, false);
    jm.restart();
    // The keeper records a run after Flink answers, so the record trails jm.runs by a moment.
    const recorded = (job: string, runs: number): boolean => existsSync(stateFile) && (submitted()[job]?.length ?? 0) >= runs;
    await until('two resubmissions, recorded', () => (jm.runs.length >= 4 && recorded('alpha', 2) && recorded('beta', 2) ? true : undefined));
    const [alphaRun, betaRun] = jm.runs.slice(2);
    expect(alphaRun).toMatchObject({ programArgsList: ['--script', '/opt/flink/jobs/alpha.sql'], savepointPath: `${pathToFileURL(latest).href}/`, allowNonRestoredState: false });
    expect(betaRun.savepointPath).toBeUndefined();
    expect(jm.uploads).toBe(2);
    expect(submitted()).toEqual({ alpha: [jm.jobs[0].jid, alpha], beta: [jm.jobs[1].jid, beta] });
    expect(log).toContain('"msg":"resubmitted from checkpoint"');
    expect(log).toContain('"msg":"no complete checkpoint of an earlier run, starting from scratch","job":"beta"');
  });

  it('reaches back past a run that was lost before its first checkpoint, and replaces a failed job', async () => {
    const original = submitted().alpha[1];
    const restored = jm.jobs[0];
    restored.state = 'FAILED';
    await until('a third alpha run, recorded', () => (jm.runs.length >= 5 && submitted().alpha.length >= 3 ? true : undefined));
    expect(jm.runs[4].savepointPath).toBe(`${pathToFileURL(path.join(checkpoints, original, 'chk-7')).href}/`);
    expect(submitted().alpha.slice(1)).toEqual([restored.jid, original]);
    expect(jm.runs).toHaveLength(5);
  });

  it('prunes the checkpoints of runs older than the one a resubmission restored from', async () => {
    const history = submitted().alpha;
    const [current, lost, original] = history;
    expect(history).toHaveLength(3);
    const latest = checkpoint(current, 3, true);
    expect(existsSync(path.join(checkpoints, original, 'chk-7'))).toBe(true);
    jm.jobs.find((j) => j.jid === current)!.state = 'FAILED';
    await until('a fourth alpha run', () => (jm.runs.length >= 6 ? true : undefined));
    expect(jm.runs[5].savepointPath).toBe(`${pathToFileURL(latest).href}/`);
    // The keeper records the new history first and prunes after it, so a crash in between leaves a
    // directory too many, never a history naming a deleted one: the pruning is done when it says so.
    const pruned = `"msg":"pruned the checkpoints of earlier runs","job":"alpha","jobIds":"${original}"`;
    await until('the pruned history', () => (submitted().alpha.length === 2 && log.includes(pruned) ? true : undefined));
    expect(submitted().alpha[1]).toBe(current);
    expect(existsSync(path.join(checkpoints, original))).toBe(false);
    expect(existsSync(path.join(checkpoints, current, 'chk-3'))).toBe(true);
    expect(lost).not.toBe(original);
  });

  it('will not watch without the checkpoint directory', () => {
    const r = runRunner(['--rest-url', 'http://jm:8081', '--jar', flinkArtifacts().runnerJar, '--job', 'a=b', '--watch', '5'], { main: SUBMITTER_MAIN });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--watch needs --checkpoints-dir');
  });
});
