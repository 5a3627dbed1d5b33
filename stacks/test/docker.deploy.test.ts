/**
 * The proof that the package works: `cdktf deploy` of the Docker stacks for real (OpenTofu, the real
 * docker provider, a real engine), a finite deterministic injector run, and the leaderboards checked
 * against the oracle on the events actually in `user-score`. Both stacks take their events as Avro
 * through the stack's schema registry (`events.format: avro`; the other suites deploy JSON); on the
 * JDBC stack a second schema version, an incompatible one and bad Avro records follow.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../config';
import { cdktf } from '../../test-support/cdktf-cli';
import {
  dockerEngineCheck,
  expectDashboardShows,
  expectSinksEqualOracle,
  getJson,
  imageContextsCheck,
  postgresAdminPassword,
  standinImagesConfig,
  validEventsIn,
  waitFor,
} from '../../test-support/deploy-checks';
import { readKafkaBoards, readPostgresBoards, readTopic } from '../../test-support/leaderboard-readers';
import { describeWith } from '../../test-support/prerequisites';
import { tofuCheck } from '../../test-support/tofu';
import { INPUT_PARTITIONS, Leaderboards, isPipelineJob, jobsOf } from '../../common/contract';
import { NO_FREE_SLOT } from '../../constructs/sql-client';
import { projectImageRef } from '../../constructs/images';
import { BAD_AVRO_KINDS, badAvroRecord } from '../../test-support/avro-events';
import { InputCodec, avroBoards, avroInput, dockerExec, registryInContainer } from '../../test-support/input-codecs';
import { produce } from '../../test-support/leaderboard-readers';
import { tempDir } from '../../test-support/temp-dirs';

const root = resolve(__dirname, '..', '..');
const outputDir = join(root, 'test-output');
const EVENTS = 20_000;
/** Events written with the second schema version, and bad Avro records of each kind, on the JDBC stack. */
const V2_EVENTS = 5_000;
const BAD_PER_KIND = 4;
const ports = { dashboard: 18080, flinkUi: 18081, kafka: 19092, postgres: 15432 };

/**
 * The rows of a board from the SQL client's tableau output, in rank order: a changelog (the upsert-kafka
 * table's history; a JDBC table's rows are all inserts) applied by rank, its first column.
 */
const boardOf = (tableau: string): string[] => {
  const board = new Map<number, string>();
  for (const line of tableau.split('\n')) {
    const cells = /^\| ([+-][IUD]) \|(.*)\|$/.exec(line);
    if (!cells) continue;
    const values = cells[2].split('|').map((v) => v.trim());
    if (cells[1] === '+I' || cells[1] === '+U') board.set(Number(values[0]), values.join(' '));
    else board.delete(Number(values[0]));
  }
  return [...board.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
};

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
const labelled = (kind: 'ps' | 'network' | 'volume', stack: string): string[] => {
  const args = kind === 'ps' ? ['ps', '-a'] : [kind, 'ls'];
  return docker(...args, '-q', '--filter', `label=leaderboard.stack=${stack}`).split('\n').filter(Boolean);
};

/** Logs of the stack's containers that failed, so a red run says why. */
function failedContainerLogs(stack: string): string {
  return labelled('ps', stack)
    .map((id) => {
      const state = docker('inspect', '--format', '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', id);
      const [, status, exitCode, health] = state.split(' ');
      const failed = (status === 'exited' && exitCode !== '0') || health === 'unhealthy' || status === 'restarting';
      return failed ? `--- ${state}\n${execFileSync('docker', ['logs', '--tail', '80', id], { encoding: 'utf8' })}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

interface JobOverview { jobs: { jid: string; name: string; state: string }[] }

/** Only the job names matter here, which depend on the layout, not on addresses. */
describeWith([dockerEngineCheck, tofuCheck, imageContextsCheck])('cdktf deploy to the local Docker engine', () => {
  const work = tempDir('deploy');
  mkdirSync(outputDir, { recursive: true });
  const timings: Record<string, number> = {};

  afterAll(() => process.stderr.write(`  [smoke] timings (s): ${JSON.stringify(timings)}\n`));

  describe.each(['docker-jdbc', 'docker-kafka'] as const)('%s', (stack) => {
    const sink = stack === 'docker-jdbc' ? 'jdbc' : 'kafka';
    // The Kafka stack also runs scaled out: two TaskManagers of one slot each, every job at parallelism 2,
    // three brokers, one of which is killed while the injector writes.
    const scaledOut = sink === 'kafka';
    const flink = scaledOut ? { uiPort: ports.flinkUi, taskManagers: 2, taskSlots: 1, parallelism: 2 } : { uiPort: ports.flinkUi };
    const kafkaConfig = scaledOut ? { brokers: 3 } : {};
    // Slower on the scaled-out stack (100 s), so the broker dies mid-run: the injector starts about 50 s
    // before the deploy returns.
    const eventsPerSecond = scaledOut ? 200 : 2000;
    const configFile = join(work, `${stack}.json`);
    const env = {
      LEADERBOARD_CONFIG: configFile,
      LEADERBOARD_STATE_DIR: work,
    };
    const cli = (...args: string[]) => cdktf([...args, stack, '--output', join(work, `${stack}.out`)], env);
    let deployed = false;
    let deployOk = false;
    let expected: Leaderboards;
    let input: InputCodec;
    let killedBrokerAt = 0;
    /** A later check is meaningless once the deploy failed; fail it at once instead of timing out. */
    const requireDeploy = (): void => {
      if (!deployOk) throw new Error(`${stack} did not deploy`);
    };

    beforeAll(() => {
      writeFileSync(
        configFile,
        JSON.stringify({
          events: { format: 'avro' },
          injector: { enabled: true, maxEvents: EVENTS, seed: 20261126, eventsPerSecond },
          dashboard: { port: ports.dashboard },
          kafka: kafkaConfig,
          flink,
          expose: { kafkaPort: ports.kafka, postgresPort: sink === 'jdbc' ? ports.postgres : null },
          images: standinImagesConfig(),
        }),
      );
    });

    afterAll(async () => {
      if (!deployed) return;
      const leftovers = labelled('ps', stack);
      if (leftovers.length > 0) {
        process.stderr.write(failedContainerLogs(stack));
        await cli('destroy', '--auto-approve').catch((err) => process.stderr.write(`destroy after failure: ${err}\n`));
      }
    });

    it('deploys', async () => {
      deployed = true;
      try {
        timings[`${stack} deploy`] = (await cli('deploy', '--auto-approve')).seconds;
        deployOk = true;
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${failedContainerLogs(stack)}`);
      }
    }, 20 * 60_000);

    it('computes every board equal to the oracle on the events in user-score', async () => {
      requireDeploy();
      const started = Date.now();
      const kafka = { bootstrapServers: `127.0.0.1:${ports.kafka}` };
      if (scaledOut) {
        let written = 0;
        await waitFor('the injector to have written part of its run', 2 * 60_000, async () => {
          written = (await readTopic(kafka, DEFAULT_CONFIG.inputTopic)).length;
          return written >= EVENTS / 10 ? true : undefined;
        });
        docker('kill', `${stack}-kafka-2`);
        killedBrokerAt = Date.now();
        expect({ writtenWhenTheBrokerWasKilled: written < EVENTS }).toEqual({ writtenWhenTheBrokerWasKilled: true });
      }
      await waitFor('the injector to finish its finite run', 5 * 60_000, async () => {
        const state = docker('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', `${stack}-injector`);
        if (state === 'exited 0') return true;
        if (state.startsWith('exited')) throw new Error(`injector ${state}`);
        return undefined;
      });
      if (scaledOut) {
        // Idempotent writes with acks=all and 2 in-sync replicas of 3: every acknowledged event once.
        // Reads retry while clients still find the dead broker in their metadata.
        let records = 0;
        await waitFor('user-score to be readable without the killed broker', 2 * 60_000, async () => {
          records = (await readTopic(kafka, DEFAULT_CONFIG.inputTopic)).length;
          return true;
        });
        expect(records).toBe(EVENTS);
        timings[`${stack} injector done after a broker was killed`] = (Date.now() - killedBrokerAt) / 1000;
      }
      const registry = registryInContainer(dockerExec(`${stack}-schema-registry`));
      input = await avroInput(registry, DEFAULT_CONFIG.inputTopic);
      expected = await expectSinksEqualOracle({
        kafka,
        input,
        inputTopic: DEFAULT_CONFIG.inputTopic,
        inputPartitions: INPUT_PARTITIONS,
        injectedEvents: EVENTS,
        readBoards: sink === 'jdbc'
          ? () => readPostgresBoards(`postgres://leaderboard_admin:${postgresAdminPassword(`${stack}-postgres`)}@127.0.0.1:${ports.postgres}/leaderboard`)
          : () => readKafkaBoards(kafka, avroBoards(registry)),
        diagnostics: () => failedContainerLogs(stack),
        timings,
        label: stack,
        started,
      });
    }, 15 * 60_000);

    if (!scaledOut) {
      it('takes a second schema version mid-stream and skips bad Avro records: the boards stay equal to the oracle; an incompatible schema is refused in one line', async () => {
        requireDeploy();
        const started = Date.now();
        const kafka = { bootstrapServers: `127.0.0.1:${ports.kafka}` };
        const v1 = JSON.parse(readFileSync(join(root, 'common', 'contract', 'user-score.avsc'), 'utf8')) as { fields: unknown[] };
        const schemaFile = (name: string, field: unknown): string => {
          const file = join(work, name);
          writeFileSync(file, JSON.stringify({ ...v1, fields: [...v1.fields, field] }), { mode: 0o644 });
          return file;
        };
        // The stack's own injector image, on the stack's network, as a user runs a second producer.
        const injector = (schema: string, ...args: string[]) =>
          spawnSync('docker', [
            'run', '--rm', '--network', `${stack}-net`, '--read-only', '-v', `${schema}:/schemas/event.avsc:ro`, projectImageRef('injector'),
            '--format', 'avro', '--schema-registry-url', 'http://schema-registry:8085', '--bootstrap-servers', 'kafka:9092',
            '--avro-schema-file', '/schemas/event.avsc', '--progress-interval', '0', ...args,
          ], { encoding: 'utf8', timeout: 5 * 60_000 });
        const v2 = injector(schemaFile('v2.avsc', { name: 'device', type: ['null', 'string'], default: null }), '--max-events', String(V2_EVENTS), '--avg-qps', '2000', '--seed', '7');
        expect({ status: v2.status, stderr: v2.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/"msg":"event schema registered".*"id":2/) });
        const refused = injector(schemaFile('v3.avsc', { name: 'level', type: 'int' }), '--max-events', '10');
        const errors = refused.stderr.split('\n').filter((l) => l.includes('"level":"error"'));
        expect({ status: refused.status, errors: errors.length }).toEqual({ status: 1, errors: 1 });
        expect(errors[0]).toContain('refused the event schema for subject user-score-value (HTTP 409');
        const registry = registryInContainer(dockerExec(`${stack}-schema-registry`));
        expect(await registry('/subjects/user-score-value/versions')).toEqual([1, 2]);
        const bad = BAD_AVRO_KINDS.flatMap((kind) => Array.from({ length: BAD_PER_KIND }, (_, i) => ({ key: `USR-bad-${i}`, value: badAvroRecord(kind, `USR-bad-${i}`, 1) })));
        await produce(kafka, DEFAULT_CONFIG.inputTopic, bad);
        expected = await expectSinksEqualOracle({
          kafka,
          input,
          inputTopic: DEFAULT_CONFIG.inputTopic,
          inputPartitions: INPUT_PARTITIONS,
          injectedEvents: EVENTS + V2_EVENTS,
          invalidRecords: bad.length,
          readBoards: () => readPostgresBoards(`postgres://leaderboard_admin:${postgresAdminPassword(`${stack}-postgres`)}@127.0.0.1:${ports.postgres}/leaderboard`),
          diagnostics: () => failedContainerLogs(stack),
          timings,
          label: `${stack} after schema v2`,
          started,
        });
        // The page counts them as the jobs' sources do.
        let skipped: number | null = null;
        await waitFor('the dashboard to count the bad records', 60_000, async () => {
          skipped = (await getJson<{ pipeline: { skippedRecords: number | null } }>(`http://127.0.0.1:${ports.dashboard}/api/leaderboards`)).pipeline.skippedRecords;
          return skipped === bad.length ? true : undefined;
        }).catch(() => undefined);
        expect(skipped).toBe(bad.length);
      }, 15 * 60_000);
    }

    if (scaledOut) {
      it('takes the killed broker back into the quorum', async () => {
        requireDeploy();
        docker('start', `${stack}-kafka-2`);
        await waitFor('the broker to be healthy again', 3 * 60_000, async () =>
          docker('inspect', '--format', '{{.State.Health.Status}}', `${stack}-kafka-2`) === 'healthy' ? true : undefined);
      }, 5 * 60_000);
    }

    it(scaledOut
      ? 'opens `npm run sql` on a session whose slots the jobs hold, saying so in one line'
      : 'answers `npm run sql` with the same boards: the SQL client\'s tables read the sink', () => {
      requireDeploy();
      const run = spawnSync('npm', ['run', '--silent', 'sql', '--', stack], {
        cwd: root,
        input: scaledOut ? 'SHOW TABLES;\n' : 'SELECT rnk, team_id, total_score FROM top_teams;\n',
        encoding: 'utf8',
        timeout: 5 * 60_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: scaledOut ? expect.stringContaining(NO_FREE_SLOT) : expect.not.stringContaining(NO_FREE_SLOT) });
      if (scaledOut) expect(run.stdout).toMatch(/^\| +top_teams \|$/m);
      else expect(boardOf(run.stdout)).toEqual(expected.top_teams.map((r) => `${r.rnk} ${r.team_id} ${r.total_score}`));
    }, 6 * 60_000);

    if (!scaledOut) {
      it('reads the Avro input with `npm run sql` through the registry: as many events as the oracle\'s rule finds valid', async () => {
        requireDeploy();
        const records = await readTopic({ bootstrapServers: `127.0.0.1:${ports.kafka}` }, DEFAULT_CONFIG.inputTopic);
        const valid = (await validEventsIn(records, input)).length;
        const run = spawnSync('npm', ['run', '--silent', 'sql', '--', stack], {
          cwd: root,
          // In batch mode the count is one row (streaming, it would print an update per record).
          input: "SET 'execution.runtime-mode' = 'batch';\nSELECT COUNT(*) AS valid_events FROM user_score;\n",
          encoding: 'utf8',
          timeout: 5 * 60_000,
          maxBuffer: 16 * 1024 * 1024,
        });
        expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toEqual({ status: 0, stderr: expect.any(String) });
        const counts = [...run.stdout.matchAll(/^\| +(\d+) \|$/gm)].map((m) => Number(m[1]));
        expect({ counts, valid }).toEqual({ counts: [valid], valid: expect.any(Number) });
      }, 6 * 60_000);
    }

    it('serves the same boards on the dashboard API and renders them in a browser', async () => {
      requireDeploy();
      await expectDashboardShows(`http://127.0.0.1:${ports.dashboard}`, expected, join(outputDir, `${stack}-dashboard.png`));
    }, 5 * 60_000);

    it('runs every Flink job once, RUNNING, on the configured TaskManagers at the configured parallelism', async () => {
      requireDeploy();
      const flinkUrl = `http://127.0.0.1:${ports.flinkUi}`;
      const all = await getJson<JobOverview>(`${flinkUrl}/jobs/overview`);
      // The session also lists the SQL client's queries of the tests before, finished.
      expect(all.jobs.filter((j) => !isPipelineJob(j.name)).map((j) => j.state)).toEqual(scaledOut ? [] : ['FINISHED', 'FINISHED']);
      const overview = { jobs: all.jobs.filter((j) => isPipelineJob(j.name)) };
      const names = overview.jobs.map((j) => j.name).sort();
      const expectedNames = jobsOf(DEFAULT_CONFIG.flink.jobLayout).map((j) => j.name).sort();
      expect(names).toEqual(expectedNames);
      expect(overview.jobs.every((j) => j.state === 'RUNNING')).toBe(true);
      expect((await getJson<{ taskmanagers: number }>(`${flinkUrl}/overview`)).taskmanagers).toBe(flink.taskManagers ?? 1);
      for (const job of overview.jobs) {
        // The global ranks run at parallelism 1 whatever the setting (Flink puts a Top-N without PARTITION BY there).
        const { vertices } = await getJson<{ vertices: { name: string; parallelism: number }[] }>(`${flinkUrl}/jobs/${job.jid}`);
        expect(vertices.find((v) => v.name.startsWith('Source'))?.parallelism).toBe(flink.parallelism ?? 1);
      }
    });

    it('runs every container with a rotated log, without capabilities or new privileges, publishing on 127.0.0.1 only', () => {
      requireDeploy();
      for (const id of labelled('ps', stack)) {
        const c = JSON.parse(docker('inspect', id))[0] as {
          Name: string;
          Config: { User: string };
          HostConfig: { LogConfig: { Type: string; Config: Record<string, string> }; CapDrop: string[] | null; SecurityOpt: string[] | null; ReadonlyRootfs: boolean };
          NetworkSettings: { Ports: Record<string, { HostIp: string }[] | null> };
        };
        const published = Object.values(c.NetworkSettings.Ports ?? {}).flatMap((bindings) => bindings ?? []).map((b) => b.HostIp);
        expect({
          name: c.Name,
          log: c.HostConfig.LogConfig,
          capDrop: c.HostConfig.CapDrop,
          securityOpt: c.HostConfig.SecurityOpt,
          root: c.Config.User === '' || c.Config.User.startsWith('0'),
          published: [...new Set(published)],
        }).toEqual({
          name: c.Name,
          log: { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } },
          capDrop: ['ALL'],
          securityOpt: ['no-new-privileges'],
          root: false,
          published: published.length ? ['127.0.0.1'] : [],
        });
        if (/-(dashboard|injector|schema-registry)$/.test(c.Name)) expect({ name: c.Name, readOnly: c.HostConfig.ReadonlyRootfs }).toEqual({ name: c.Name, readOnly: true });
      }
    });

    it('changes nothing on a second deploy', async () => {
      requireDeploy();
      const diff = await cli('diff');
      expect(diff.output).toMatch(/No changes/);
    }, 10 * 60_000);

    it('destroys every container, network and volume of the stack', async () => {
      timings[`${stack} destroy`] = (await cli('destroy', '--auto-approve')).seconds;
      expect(labelled('ps', stack)).toEqual([]);
      expect(labelled('network', stack)).toEqual([]);
      expect(labelled('volume', stack)).toEqual([]);
    }, 10 * 60_000);
  });
});
