/**
 * The operator stand-in (scripts/offline/flink-operator.sh) honours the contract the operator's Helm
 * chart relies on: `/docker-entrypoint.sh operator` as user 9999, configuration from
 * /opt/flink/conf, LOG_CONFIG and the other variables the chart sets. Without a cluster the operator
 * gets as far as connecting to the Kubernetes API, which is enough to show it starts and reads the
 * stacks' operator options.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATOR_FLINK_CONF } from '../../constructs/k8s/flink-session';
import { Check, describeWith } from '../../test-support/prerequisites';
import versions from '../../versions.json';
import { docker, dockerEngine, removeLabelled, waitFor } from './docker-cli';

const image = `leaderboard-standin/flink-kubernetes-operator:${versions.flinkKubernetesOperator}`;
const label = `leaderboard.test=flink-operator-${randomBytes(4).toString('hex')}`;

const imageBuilt: Check = () => {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 30_000 });
    return undefined;
  } catch {
    return `${image} not built (run scripts/offline/flink-operator.sh)`;
  }
};

describeWith([dockerEngine(), imageBuilt])('Flink Kubernetes Operator stand-in image', () => {
  const conf = mkdtempSync(path.join(os.tmpdir(), 'flink-operator-conf-'));

  beforeAll(() => {
    const options = { ...OPERATOR_FLINK_CONF, 'kubernetes.operator.watched.namespaces': 'leaderboard' };
    writeFileSync(path.join(conf, 'flink-conf.yaml'), Object.entries(options).map(([k, v]) => `${k}: ${v}\n`).join(''));
    writeFileSync(
      path.join(conf, 'log4j-operator.properties'),
      'rootLogger.level = INFO\nrootLogger.appenderRef.console.ref = Console\nappender.console.type = Console\nappender.console.name = Console\n' +
        'appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %-5p %c{1} %m%n\n',
    );
    // The container's user 9999 reads the mounted directory.
    chmodSync(conf, 0o755);
  });

  afterAll(async () => {
    await removeLabelled(label);
    rmSync(conf, { recursive: true, force: true });
  });

  it('prints the upstream usage by default and runs as user flink (9999)', async () => {
    expect(await docker(['run', '--rm', '--label', label, image])).toContain('Usage: docker-entrypoint.sh (operator|webhook)');
    expect((await docker(['run', '--rm', '--label', label, image, 'id', '-u'])).trim()).toBe('9999');
  }, 60_000);

  it("starts the operator the way the chart does, with the stacks' options", async () => {
    const container = `flink-operator-test-${randomBytes(4).toString('hex')}`;
    await docker([
      'run', '-d', '--name', container, '--label', label, '--user', '9999:9999', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '-v', `${conf}:/opt/flink/conf:ro`,
      '-e', 'FLINK_CONF_DIR=/opt/flink/conf', '-e', 'FLINK_PLUGINS_DIR=/opt/flink/plugins', '-e', 'LOGGING_FRAMEWORK=log4j2',
      '-e', 'LOG_CONFIG=-Dlog4j.configurationFile=/opt/flink/conf/log4j-operator.properties', '-e', 'JVM_ARGS=',
      '-e', 'OPERATOR_NAMESPACE=leaderboard', '-e', 'OPERATOR_NAME=flink-kubernetes-operator',
      '--entrypoint', '/docker-entrypoint.sh', image, 'operator',
    ]);
    const logs = await waitFor('the operator to configure its namespaces', 120_000, async () => {
      const out = await docker(['logs', container]);
      return out.includes('Configuring operator to watch the following namespaces') ? out : undefined;
    });
    expect(logs).toContain('Starting Operator');
    expect(logs).toContain(`Starting Flink Kubernetes Operator (Version: ${versions.flinkKubernetesOperator}`);
    expect(logs).toContain('watch the following namespaces: [leaderboard]');
    expect(logs).toContain('Loading configuration property: kubernetes.operator.user.artifacts.allowed-schemes, https;http');
    expect(logs).toContain('Loading configuration property: kubernetes.operator.user.artifacts.disallow-restricted-hosts, false');
    expect(logs).not.toContain('jemalloc');
  }, 180_000);
});
