/**
 * The rule every third-party artefact follows (scripts/lib/setup.sh, `obtain`), on a machine that has
 * only the repository: a clone with no `../shared` beside it and no origin to look beside. Offline
 * there the Flink Kubernetes Operator ends in one line saying how to provide its source, and `npm
 * test`'s Kubernetes suites are skipped with that reason; given a URL, the source is downloaded and
 * checked against versions.json, and a file with another checksum is refused and not kept.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import versions from '../versions.json';
import { Check, commandExists, describeWith } from '../test-support/prerequisites';

const root = resolve(__dirname, '..');
const archiveName = `flink-kubernetes-operator-${versions.flinkKubernetesOperator}-src.tar.gz`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The archive this checkout's own set-up finds (vendored beside it or its origin, or cached), if any. */
function localArchive(): string | undefined {
  const run = spawnSync(join(root, 'scripts', 'offline', 'flink-operator.sh'), ['--source'], { encoding: 'utf8', timeout: 120_000 });
  return /^source=(.+)$/m.exec(run.stdout)?.[1];
}

const archiveCheck: Check = () => (localArchive() ? undefined : `no ${archiveName} for the local server to serve (see scripts/offline/flink-operator.sh)`);

/** An HTTP server on loopback serving one file at /<name>. */
async function serve(file: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== `/${archiveName}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${archiveName}`, server };
}

describeWith([commandExists('git'), commandExists('curl')])('third-party artefacts on a machine with only the repository', () => {
  const base = mkdtempSync(join(tmpdir(), 'leaderboard-artefacts-'));
  // A folder of its own, so nothing named shared/ lies beside the clone.
  const clone = join(base, 'alone', 'leaderboard-stack');
  const cache = join(base, 'cache');
  const servers: Server[] = [];

  /**
   * The clone's operator source step, with an empty cache and no variables pointing at a source; run
   * asynchronously, as the test's own HTTP server must answer meanwhile.
   */
  const operatorSource = (env: Record<string, string> = {}): Promise<Run> => {
    const clean = { ...process.env };
    delete clean.FLINK_OPERATOR_SOURCE_ARCHIVE;
    delete clean.FLINK_OPERATOR_SOURCE_URL;
    delete clean.CI;
    return new Promise((done) => {
      execFile(
        'bash',
        [join(clone, 'scripts', 'offline', 'flink-operator.sh'), '--source'],
        { encoding: 'utf8', timeout: 300_000, env: { ...clean, LEADERBOARD_CACHE: cache, ...env } },
        (err, stdout, stderr) => done({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
      );
    });
  };

  beforeAll(() => {
    mkdirSync(join(base, 'alone'));
    execFileSync('git', ['clone', '-q', root, clone]);
    execFileSync('git', ['-C', clone, 'remote', 'remove', 'origin']);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    rmSync(base, { recursive: true, force: true });
  });

  it('offline, ends in one line naming what is missing and how to provide it', async () => {
    const run = await operatorSource();
    expect(run.status).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error' });
    expect(lines[0]).toContain(`FLINK_OPERATOR_SOURCE_ARCHIVE to ${archiveName} (sha256 ${versions.flinkKubernetesOperatorSourceSha256})`);
    expect(lines[0]).toContain('FLINK_OPERATOR_SOURCE_URL');
  }, 300_000);

  /** npm test's operator step (scripts/lib/setup.sh, as scripts/cli/test.ts calls it) in the clone. */
  const operatorStep = (ci: boolean): Run =>
    spawnSync('bash', ['-c', 'source images/standins/lib.sh && source scripts/lib/setup.sh && ensure_flink_operator "$0"', join(cache, 'flink-operator.txt')], {
      cwd: clone,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, LEADERBOARD_CACHE: cache, FLINK_OPERATOR_SOURCE_ARCHIVE: '', FLINK_OPERATOR_SOURCE_URL: '', CI: ci ? 'true' : '' },
    });

  it("outside CI, npm test's set-up goes on and the Kubernetes suites skip with the reason", () => {
    const step = operatorStep(false);
    expect(step.status).toBe(1);
    expect(step.stderr).toContain('no Flink Kubernetes Operator');
    expect(step.stderr).toContain('skipping the Kubernetes cluster and suites');
    const check = spawnSync(
      'npx',
      ['ts-node', '--transpile-only', '-e', 'import { operatorCheck } from "./test-support/flink-operator"; console.log(operatorCheck())'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, LEADERBOARD_CACHE: cache } },
    );
    expect(check.stdout.trim()).toBe("no Flink Kubernetes Operator (npm test's set-up said how to provide it)");
  }, 300_000);

  it("in CI, npm test's set-up fails there", () => {
    const step = operatorStep(true);
    expect(step.status).toBe(1);
    expect(step.stderr).toContain('CI needs the Flink Kubernetes Operator');
    expect(step.stderr).not.toContain('skipping');
  }, 300_000);

  describeWith([archiveCheck])('with FLINK_OPERATOR_SOURCE_URL', () => {
    it('downloads the archive, checks it against versions.json and keeps it in the cache', async () => {
      const { url, server } = await serve(localArchive()!);
      servers.push(server);
      const run = await operatorSource({ FLINK_OPERATOR_SOURCE_URL: url });
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(`source=${join(cache, 'downloads', archiveName)}`);
      // Found in the cache the next time, with no URL given.
      expect((await operatorSource()).stdout.trim()).toBe(`source=${join(cache, 'downloads', archiveName)}`);
      rmSync(join(cache, 'downloads'), { recursive: true });
    }, 300_000);

    it('refuses a file with another checksum, saying so, and keeps nothing', async () => {
      const tampered = join(base, archiveName);
      writeFileSync(tampered, 'not the release\n');
      const { url, server } = await serve(tampered);
      servers.push(server);
      const run = await operatorSource({ FLINK_OPERATOR_SOURCE_URL: url });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`refused ${url}: its sha256 is`);
      expect(run.stderr).toContain(`versions.json pins flinkKubernetesOperatorSourceSha256=${versions.flinkKubernetesOperatorSourceSha256}`);
      expect(existsSync(join(cache, 'downloads')) ? readdirSync(join(cache, 'downloads')) : []).toEqual([]);
      expect((await operatorSource()).status).toBe(3);
    }, 300_000);
  });
});
