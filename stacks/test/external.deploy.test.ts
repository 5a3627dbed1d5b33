/**
 * External services for real: the Docker stacks pointed at a Kafka and a PostgreSQL (TLS only) that
 * this test runs outside them, as host processes listening on the Docker bridge interface's address,
 * which every container reaches. The JDBC stack's Kafka takes SASL_PLAINTEXT with PLAIN; the Kafka
 * stack's, whose boards are topics there too, SASL_SSL with SCRAM-SHA-512 and a self-signed
 * certificate the stack is told to trust. The stacks deploy neither, their passwords come from
 * Terraform variables, and the boards equal the oracle.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INPUT_PARTITIONS, Leaderboards, POSTGRES_DATABASE } from '../../common/contract';
import { cdktf } from '../../test-support/cdktf-cli';
import {
  dockerEngineCheck,
  expectDashboardShows,
  expectSinksEqualOracle,
  imageContextsCheck,
  standinImagesConfig,
  waitFor,
} from '../../test-support/deploy-checks';
import { KafkaBroker, kafkaCheck, startKafka } from '../../test-support/kafka';
import { readKafkaBoards, readPostgresBoards } from '../../test-support/leaderboard-readers';
import { PgServer, postgresCheck, startPostgres } from '../../test-support/postgres';
import { hostAddressForContainers } from '../../test-support/docker-host';
import { describeWith } from '../../test-support/prerequisites';
import { tofuCheck } from '../../test-support/tofu';
import { tempDir } from '../../test-support/temp-dirs';

const root = resolve(__dirname, '..', '..');
const outputDir = join(root, 'test-output');
const EVENTS = 5_000;
const TOPIC = 'external-user-score';
const ports = { dashboard: 18090, flinkUi: 18091 };
const KAFKA_USER = 'leaderboard';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
const containers = (stack: string, component?: string): string[] =>
  docker('ps', '-a', '--format', '{{.Names}}', '--filter', `label=leaderboard.stack=${stack}`, ...(component ? ['--filter', `label=leaderboard.component=${component}`] : []))
    .split('\n')
    .filter(Boolean)
    .sort();

function containerLogs(stack: string): string {
  return containers(stack)
    .map((name) => `--- ${name}\n${execFileSync('docker', ['logs', '--tail', '40', name], { encoding: 'utf8' })}`)
    .join('\n');
}

describeWith([dockerEngineCheck, tofuCheck, imageContextsCheck, kafkaCheck, postgresCheck])('cdktf deploy against an external Kafka and PostgreSQL', () => {
  const work = tempDir('external');
  mkdirSync(outputDir, { recursive: true });

  describe.each(['docker-jdbc', 'docker-kafka'] as const)('%s', (stack) => {
    const sink = stack === 'docker-jdbc' ? 'jdbc' : 'kafka';
    const kafkaPassword = randomBytes(18).toString('base64url');
    let kafka: KafkaBroker;
    let pg: PgServer | undefined;
    let env: Record<string, string>;
    let deployed = false;
    let deployOk = false;
    let expected: Leaderboards;
    const cli = (...args: string[]) => cdktf([...args, stack, '--output', join(work, `${stack}.out`)], env);
    const requireDeploy = (): void => {
      if (!deployOk) throw new Error(`${stack} did not deploy`);
    };

    beforeAll(async () => {
      const host = hostAddressForContainers();
      const tls = sink === 'kafka';
      kafka = await startKafka({ saslListener: { host, users: { [KAFKA_USER]: kafkaPassword }, mechanism: tls ? 'SCRAM-SHA-512' : 'PLAIN', tls } });
      const caCertificateFile = join(work, `${stack}-ca.pem`);
      if (tls) writeFileSync(caCertificateFile, kafka.certificate!);
      if (sink === 'jdbc') pg = await startPostgres({ database: POSTGRES_DATABASE, remote: { address: host, tls: true } });
      const configFile = join(work, `${stack}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          inputTopic: TOPIC,
          injector: { enabled: true, maxEvents: EVENTS, seed: 20261202, eventsPerSecond: 1000 },
          dashboard: { port: ports.dashboard },
          flink: { uiPort: ports.flinkUi },
          kafka: {
            external: {
              bootstrapServers: kafka.saslBootstrapServers,
              username: KAFKA_USER,
              replicationFactor: 1,
              ...(tls
                ? { securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caCertificateFile }
                : { securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN' }),
            },
          },
          postgres: pg ? { external: { host, port: pg.port, adminUser: pg.user, sslMode: 'require' } } : {},
          images: standinImagesConfig(),
        }),
      );
      env = {
        LEADERBOARD_CONFIG: configFile,
        LEADERBOARD_STATE_DIR: work,
        TF_VAR_kafka_password: kafkaPassword,
        ...(pg ? { TF_VAR_postgres_admin_password: pg.password } : {}),
      };
    }, 3 * 60_000);

    afterAll(async () => {
      if (deployed && containers(stack).length > 0) {
        process.stderr.write(containerLogs(stack));
        await cli('destroy', '--auto-approve').catch((err) => process.stderr.write(`destroy after failure: ${err}\n`));
      }
      await pg?.stop();
      await kafka?.stop();
    }, 10 * 60_000);

    it('stops before changing anything when a password variable is empty, naming it', async () => {
      const missing = pg ? 'TF_VAR_postgres_admin_password' : 'TF_VAR_kafka_password';
      await expect(cdktf(['diff', stack, '--output', join(work, `${stack}.out`)], { ...env, [missing]: '' })).rejects.toThrow(`Set ${missing} to`);
    }, 10 * 60_000);

    it('stops before changing anything when the Kafka password holds a character its JAAS configuration cannot carry', async () => {
      await expect(cdktf(['diff', stack, '--output', join(work, `${stack}.out`)], { ...env, TF_VAR_kafka_password: 'pass"word' })).rejects.toThrow(
        // OpenTofu wraps long messages.
        /TF_VAR_kafka_password\s+holds\s+"\s+or\s+\\,\s+which\s+Kafka's\s+JAAS\s+configuration\s+cannot\s+carry/,
      );
    }, 10 * 60_000);

    it('deploys neither Kafka nor PostgreSQL, only the tasks setting them up', async () => {
      deployed = true;
      try {
        await cli('deploy', '--auto-approve');
        deployOk = true;
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${containerLogs(stack)}\nbroker log: ${kafka.logFile}`);
      }
      expect(containers(stack, 'kafka')).toEqual([`${stack}-kafka-topics`]);
      expect(containers(stack, 'postgres')).toEqual(sink === 'jdbc' ? [`${stack}-postgres-setup`] : []);
      const dataVolumes = docker('volume', 'ls', '-q', '--filter', `label=leaderboard.stack=${stack}`).split('\n').filter((v) => /-(kafka(-\d+)?|postgres)-data$/.test(v));
      expect(dataVolumes).toEqual([]);
    }, 20 * 60_000);

    it('computes every board equal to the oracle, in the external Kafka or PostgreSQL', async () => {
      requireDeploy();
      const started = Date.now();
      await waitFor('the injector to finish its finite run', 5 * 60_000, async () => {
        const state = docker('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', `${stack}-injector`);
        if (state === 'exited 0') return true;
        if (state.startsWith('exited')) throw new Error(`injector ${state}: ${containerLogs(stack)}`);
        return undefined;
      });
      // The test reads through the broker's own loopback listener, and PostgreSQL as its superuser.
      const access = { bootstrapServers: kafka.bootstrapServers };
      expected = await expectSinksEqualOracle({
        kafka: access,
        inputTopic: TOPIC,
        inputPartitions: INPUT_PARTITIONS,
        injectedEvents: EVENTS,
        readBoards: pg ? () => readPostgresBoards(pg!.url) : () => readKafkaBoards(access),
        diagnostics: () => containerLogs(stack),
        timings: {},
        label: `${stack} (external)`,
        started,
      });
    }, 15 * 60_000);

    if (sink === 'jdbc') {
      it('created the writer and the read-only reader, whose logins the server admits over TLS only', async () => {
        requireDeploy();
        const roles = await pg!.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'leaderboard_%' ORDER BY rolname");
        expect(roles.map((r) => r.rolname)).toEqual(['leaderboard_reader', 'leaderboard_writer']);
        const sessions = await pg!.query<{ usename: string; ssl: boolean }>(
          "SELECT DISTINCT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename LIKE 'leaderboard_%' ORDER BY a.usename",
        );
        expect(sessions).toEqual([
          { usename: 'leaderboard_reader', ssl: true },
          { usename: 'leaderboard_writer', ssl: true },
        ]);
      });
    }

    it('serves the same boards on the dashboard', async () => {
      requireDeploy();
      await expectDashboardShows(`http://127.0.0.1:${ports.dashboard}`, expected, join(outputDir, `${stack}-external-dashboard.png`));
    }, 5 * 60_000);

    it('changes nothing on a second deploy', async () => {
      requireDeploy();
      expect((await cli('diff')).output).toMatch(/No changes/);
    }, 10 * 60_000);

    it('destroys every container, network and volume of the stack', async () => {
      await cli('destroy', '--auto-approve');
      expect(containers(stack)).toEqual([]);
    }, 10 * 60_000);
  });
});
