/**
 * The stand-in images honour the contract of the official images the stacks use: each is started
 * on its own docker network, configured the way the constructs configure the official image, and
 * checked from the host over 127.0.0.1 or with `docker exec`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { commandExists, describeWith } from '../../test-support/prerequisites';
import versions from '../../versions.json';
import {
  docker,
  dockerEngine,
  mainProcessUid,
  publishedPort,
  removeLabelled,
  standinImages,
  standinImagesBuilt,
  waitFor,
} from './docker-cli';

const runFile = promisify(execFile);
const suiteId = randomBytes(4).toString('hex');
const label = `leaderboard.test=standins-${suiteId}`;
const name = (what: string): string => `standin-test-${suiteId}-${what}`;

async function createNetwork(what: string): Promise<string> {
  const network = name(what);
  await docker(['network', 'create', '--label', label, network]);
  return network;
}

describeWith([dockerEngine(), standinImagesBuilt(), commandExists('javac'), commandExists('jar')])(
  'stand-in images',
  () => {
    const images = standinImages();

    afterAll(async () => {
      await removeLabelled(label);
    }, 60_000);

    describe('kafka', () => {
      const broker = name('kafka');
      const kafkaTool = (tool: string, ...args: string[]): Promise<string> =>
        docker(['exec', broker, `/opt/kafka/bin/${tool}`, '--bootstrap-server', 'localhost:9092', ...args], 90_000);
      const waitUntilServing = (): Promise<string> =>
        waitFor('the broker to answer kafka-broker-api-versions.sh', 90_000, async () =>
          kafkaTool('kafka-broker-api-versions.sh'),
        );

      beforeAll(async () => {
        const network = await createNetwork('kafka');
        const env = {
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${broker}:9092`,
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
          KAFKA_LOG_DIRS: '/var/lib/kafka/data',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
          CLUSTER_ID: 'c3RhbmRpbi10ZXN0LWNsdQ',
        };
        const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
        await docker(['run', '-d', '--name', broker, '--network', network, '--label', label, ...envArgs, images.kafka]);
        await waitUntilServing();
      }, 150_000);

      it('turns KAFKA_* variables into server.properties and formats the data directory with CLUSTER_ID', async () => {
        const properties = await docker(['exec', broker, 'cat', '/opt/kafka/config/server.properties']);
        expect(properties).toMatch(/^log\.dirs=\/var\/lib\/kafka\/data$/m);
        expect(properties).toMatch(/^controller\.quorum\.voters=1@localhost:9093$/m);
        expect(properties).toMatch(/^offsets\.topic\.replication\.factor=1$/m);
        const meta = await docker(['exec', broker, 'cat', '/var/lib/kafka/data/meta.properties']);
        expect(meta).toMatch(/^cluster\.id=c3RhbmRpbi10ZXN0LWNsdQ$/m);
      });

      it('runs the broker as appuser (uid 1000)', async () => {
        expect(await mainProcessUid(broker)).toBe(1000);
        expect((await docker(['exec', broker, 'id', '-un'])).trim()).toBe('appuser');
      });

      it('creates and lists a topic with kafka-topics.sh', async () => {
        await kafkaTool('kafka-topics.sh', '--create', '--topic', 'standin-check', '--partitions', '3');
        expect((await kafkaTool('kafka-topics.sh', '--list')).split('\n')).toContain('standin-check');
        const description = await kafkaTool('kafka-topics.sh', '--describe', '--topic', 'standin-check');
        expect(description).toMatch(/PartitionCount: 3/);
      }, 120_000);

      it('produces with kafka-producer-perf-test.sh and reads back with kafka-console-consumer.sh', async () => {
        await docker(
          ['exec', broker, '/opt/kafka/bin/kafka-producer-perf-test.sh', '--topic', 'standin-perf', '--num-records', '25',
            '--record-size', '16', '--throughput', '-1', '--producer-props', 'bootstrap.servers=localhost:9092'],
          90_000,
        );
        const consumed = await kafkaTool('kafka-console-consumer.sh', '--topic', 'standin-perf', '--from-beginning',
          '--max-messages', '25', '--timeout-ms', '30000');
        expect(consumed.trim().split('\n')).toHaveLength(25);
      }, 120_000);

      it('keeps its data and starts again on a formatted directory', async () => {
        await docker(['restart', broker], 90_000);
        await waitUntilServing();
        expect((await kafkaTool('kafka-topics.sh', '--list')).split('\n')).toContain('standin-check');
      }, 150_000);
    });

    describe('postgres', () => {
      const server = name('postgres');
      const password = randomBytes(18).toString('base64url');
      let port = 0;
      const connect = async (secret: string): Promise<Client> => {
        const client = new Client({ host: '127.0.0.1', port, user: 'leaderboard', password: secret, database: 'leaderboard' });
        await client.connect();
        return client;
      };

      beforeAll(async () => {
        const network = await createNetwork('postgres');
        const files = mkdtempSync(path.join(os.tmpdir(), 'standin-pg-'));
        try {
          mkdirSync(path.join(files, 'initdb'));
          mkdirSync(path.join(files, 'secrets'));
          writeFileSync(path.join(files, 'secrets', 'pg-password'), `${password}\n`, { mode: 0o644 });
          writeFileSync(
            path.join(files, 'initdb', '01-schema.sql'),
            'CREATE TABLE init_log (step TEXT NOT NULL, run_by TEXT NOT NULL DEFAULT current_user);\n' +
              "INSERT INTO init_log (step) VALUES ('sql');\n",
          );
          writeFileSync(
            path.join(files, 'initdb', '02-more.sh'),
            'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" ' +
              `-c "INSERT INTO init_log (step) VALUES ('sh')"\n`,
            { mode: 0o644 },
          );
          await docker([
            'create', '--name', server, '--network', network, '--label', label, '-p', '127.0.0.1::5432',
            '-e', 'POSTGRES_PASSWORD_FILE=/run/secrets/pg-password',
            '-e', 'POSTGRES_USER=leaderboard',
            '-e', 'POSTGRES_DB=leaderboard',
            images.postgres,
          ]);
          await docker(['cp', path.join(files, 'secrets'), `${server}:/run/secrets`]);
          await docker(['cp', `${path.join(files, 'initdb')}/.`, `${server}:/docker-entrypoint-initdb.d`]);
        } finally {
          rmSync(files, { recursive: true, force: true });
        }
        await docker(['start', server]);
        port = await publishedPort(server, 5432);
        await waitFor('pg_isready over TCP', 90_000, async () =>
          docker(['exec', server, 'pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', 'leaderboard', '-d', 'leaderboard']),
        );
      }, 150_000);

      it('ran the *.sql and *.sh init scripts once, in name order, in POSTGRES_DB', async () => {
        const client = await connect(password);
        try {
          const { rows } = await client.query('SELECT step, run_by FROM init_log ORDER BY ctid');
          expect(rows).toEqual([
            { step: 'sql', run_by: 'leaderboard' },
            { step: 'sh', run_by: 'leaderboard' },
          ]);
        } finally {
          await client.end();
        }
      });

      it('authenticates TCP clients with scram-sha-256 and the password from POSTGRES_PASSWORD_FILE', async () => {
        const client = await connect(password);
        try {
          const { rows } = await client.query(
            "SELECT current_setting('password_encryption') AS enc, current_setting('data_directory') AS dir, " +
              "(SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = current_user) AS scram",
          );
          expect(rows[0]).toEqual({ enc: 'scram-sha-256', dir: '/var/lib/postgresql/data', scram: true });
        } finally {
          await client.end();
        }
      });

      it('refuses a wrong password', async () => {
        await expect(connect(`${password}-wrong`)).rejects.toMatchObject({ code: '28P01' });
      });

      it('runs the server as postgres (uid 999)', async () => {
        expect(await mainProcessUid(server)).toBe(999);
      });

      it('does not run the init scripts again on restart', async () => {
        await docker(['restart', server], 90_000);
        await waitFor('pg_isready over TCP after restart', 90_000, async () =>
          docker(['exec', server, 'pg_isready', '-h', '127.0.0.1', '-p', '5432']),
        );
        // A restart publishes the port anew, on another free host port.
        port = await publishedPort(server, 5432);
        const client = await connect(password);
        try {
          const { rows } = await client.query('SELECT count(*)::int AS n FROM init_log');
          expect(rows[0].n).toBe(2);
        } finally {
          await client.end();
        }
      }, 150_000);
    });

    describe('flink', () => {
      const jobManager = name('jobmanager');
      const taskManager = name('taskmanager');
      let rest = '';
      const memory = 'jobmanager.memory.process.size: 1024m\ntaskmanager.memory.process.size: 1024m';

      const getJson = async <T>(route: string): Promise<T> => {
        const response = await fetch(`${rest}${route}`, { signal: AbortSignal.timeout(10_000) });
        if (!response.ok) throw new Error(`GET ${route}: HTTP ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      };

      beforeAll(async () => {
        const network = await createNetwork('flink');
        await docker([
          'run', '-d', '--name', jobManager, '--network', network, '--label', label, '-p', '127.0.0.1::8081',
          '-e', `FLINK_PROPERTIES=jobmanager.rpc.address: ${jobManager}\n${memory}`,
          images.flinkBase, 'jobmanager',
        ]);
        await docker([
          'run', '-d', '--name', taskManager, '--network', network, '--label', label,
          '-e', `FLINK_PROPERTIES=jobmanager.rpc.address: ${jobManager}\ntaskmanager.numberOfTaskSlots: 2\n${memory}`,
          images.flinkBase, 'taskmanager',
        ]);
        rest = `http://127.0.0.1:${await publishedPort(jobManager, 8081)}`;
      }, 60_000);

      it('serves /overview with one registered TaskManager and its slots', async () => {
        // A TaskManager is counted as soon as it registers; its slots only once it has reported them.
        const overview = await waitFor('one TaskManager with its slots in /overview', 150_000, async () => {
          const o = await getJson<{ taskmanagers: number; 'slots-total': number; 'flink-version': string }>('/overview');
          return o.taskmanagers === 1 && o['slots-total'] > 0 ? o : undefined;
        });
        expect(overview['slots-total']).toBe(2);
        expect(overview['flink-version']).toBe(versions.flink);
      }, 180_000);

      it('applies FLINK_PROPERTIES to conf/config.yaml and runs both processes as flink (uid 9999)', async () => {
        const config = await docker(['exec', taskManager, 'cat', '/opt/flink/conf/config.yaml']);
        expect(config).toMatch(/numberOfTaskSlots: '?2'?/);
        expect(config).toContain(`address: ${jobManager}`);
        expect(await mainProcessUid(jobManager)).toBe(9999);
        expect(await mainProcessUid(taskManager)).toBe(9999);
      });

      it('runs a job uploaded through POST /jars/upload and /jars/:id/run', async () => {
        const jarPath = await buildSmokeJob(jobManager);
        try {
          const form = new FormData();
          form.append('jarfile', new Blob([readFileSync(jarPath)], { type: 'application/x-java-archive' }), 'smoke.jar');
          const upload = await fetch(`${rest}/jars/upload`, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
          const uploaded = (await upload.json()) as { status: string; filename: string };
          expect(uploaded.status).toBe('success');
          const jarId = path.basename(uploaded.filename);
          const run = await fetch(`${rest}/jars/${jarId}/run`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ programArgs: '--count 1000' }),
            signal: AbortSignal.timeout(60_000),
          });
          const { jobid } = (await run.json()) as { jobid: string };
          expect(jobid).toMatch(/^[0-9a-f]{32}$/);
          const state = await waitFor('the smoke job to finish', 90_000, async () => {
            const job = await getJson<{ state: string; name: string }>(`/jobs/${jobid}`);
            return ['FINISHED', 'FAILED', 'CANCELED'].includes(job.state) ? job : undefined;
          });
          expect(state).toEqual(expect.objectContaining({ state: 'FINISHED', name: 'standin-smoke' }));
        } finally {
          rmSync(path.dirname(jarPath), { recursive: true, force: true });
        }
      }, 180_000);

      it('runs bin/sql-client.sh against the session, as the official image does', async () => {
        const script = "SET 'sql-client.execution.result-mode' = 'tableau';\nSELECT v * 2 AS doubled FROM (VALUES (1), (2), (3)) AS t(v);\n";
        const out = await docker([
          'exec', '--user', 'flink', jobManager, 'bash', '-c',
          'printf "%s" "$0" >/tmp/q.sql && sql-client.sh -Dexecution.target=remote -Drest.address=localhost -Drest.port=8081 -f /tmp/q.sql', script,
        ]);
        expect(out).toMatch(/\| +doubled \|/);
        expect(out).toMatch(/Received a total of 3 rows/);
      }, 180_000);
    });

    describe('node', () => {
      it('runs `node -e` as user node (uid 1000)', async () => {
        const out = await docker([
          'run', '--rm', '--label', label, '--user', 'node', images.node,
          'node', '-e', 'console.log(JSON.stringify({ uid: process.getuid(), version: process.version }))',
        ]);
        const { uid, version } = JSON.parse(out) as { uid: number; version: string };
        expect(uid).toBe(1000);
        expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
      }, 60_000);

      it('hands options and script arguments to node, as the official entrypoint does', async () => {
        const out = await docker(['run', '--rm', '--label', label, '--user', 'node', images.node, '-p', '6*7']);
        expect(out.trim()).toBe('42');
      }, 60_000);
    });
  },
);

/**
 * A one-class DataStream job (sum of 1..count, printed), compiled on the host against the jars of
 * the image's own /opt/flink/lib, so the jar matches what the cluster runs. Returns the jar's path
 * inside a fresh temp dir, which the caller deletes.
 */
async function buildSmokeJob(container: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'standin-flink-job-'));
  await docker(['cp', `${container}:/opt/flink/lib`, path.join(dir, 'lib')]);
  const source = path.join(dir, 'src', 'smoke', 'SmokeJob.java');
  mkdirSync(path.dirname(source), { recursive: true });
  writeFileSync(
    source,
    `package smoke;

import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

public class SmokeJob {
  public static void main(String[] args) throws Exception {
    long count = ParameterTool.fromArgs(args).getLong("count");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, count).keyBy(x -> 0).sum(0).print();
    env.execute("standin-smoke");
  }
}
`,
  );
  const classes = path.join(dir, 'classes');
  await runFile('javac', ['-d', classes, '-cp', `${path.join(dir, 'lib')}/*`, source], { timeout: 120_000 });
  const jar = path.join(dir, 'smoke.jar');
  await runFile('jar', ['--create', '--file', jar, '--main-class', 'smoke.SmokeJob', '-C', classes, '.'], { timeout: 60_000 });
  return jar;
}
