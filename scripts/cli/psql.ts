/**
 * `npm run psql [-- STACK] [PSQL ARGS...]`: psql on a JDBC stack's PostgreSQL (default docker-jdbc) as
 * the boards' read-only role, inside the PostgreSQL container or pod, so no port is published and no
 * password is shown: interactive on a terminal, or with psql's own -c/-f. Exits with psql's status.
 */
import { POSTGRES_DATABASE } from '../../common/contract';
import { READER_USER } from '../../constructs/postgres';
import { COMPONENT_LABEL } from '../../constructs/platform/k8s/metadata';
import { STACKS } from '../../stacks/stack-list';
import { CommandFailure, fail, runCommand, stackArgument } from './cli';
import { KUBECTL, deployedConfig, kubectlArgs } from './deployed-stack';
import { attached, output } from './processes';

const JDBC_STACKS = STACKS.filter((s) => s.sink === 'jdbc');
// The reader's password is in the container's environment; psql reads it from PGPASSWORD.
const PSQL_AS_READER = `PGPASSWORD="$LEADERBOARD_READER_PASSWORD" exec psql -h 127.0.0.1 -U ${READER_USER} -d ${POSTGRES_DATABASE} "$@"`;

runCommand('psql', async (args) => {
  const named = args.length > 0 && !args[0].startsWith('-');
  const stack = stackArgument(named ? args : [], JDBC_STACKS);
  const psqlArgs = named ? args.slice(1) : args;
  const config = deployedConfig(stack.name);
  if (config.postgres.external) {
    fail(`${stack.name} uses an external PostgreSQL (postgres.external): connect to it with your own psql as ${READER_USER}, database ${POSTGRES_DATABASE}`);
  }
  const terminal = process.stdin.isTTY ? ['-it'] : ['-i'];
  let status: number;
  if (stack.target === 'docker') {
    const container = `${stack.name}-postgres`;
    if (output('docker', ['inspect', '-f', '{{.State.Running}}', container]) !== 'true') {
      fail(`no running PostgreSQL container ${container}: deploy the stack first (npm run deploy -- ${stack.name})`);
    }
    status = await attached('docker', ['exec', ...terminal, container, 'sh', '-c', PSQL_AS_READER, 'psql', ...psqlArgs]);
  } else {
    const kubectl = kubectlArgs(config);
    const pod = output(KUBECTL, [...kubectl, 'get', 'pods', '-l', `${COMPONENT_LABEL}=postgres`, '-o', 'jsonpath={.items[0].metadata.name}']);
    if (!pod) fail(`no PostgreSQL pod in namespace ${config.kubernetes.namespace}: deploy the stack first (npm run kind:up -- ${stack.name})`);
    status = await attached(KUBECTL, [...kubectl, 'exec', ...terminal, pod, '-c', 'postgres', '--', 'sh', '-c', PSQL_AS_READER, 'psql', ...psqlArgs]);
  }
  if (status !== 0) throw new CommandFailure('', status);
});
