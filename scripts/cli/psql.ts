/**
 * `npm run psql [-- STACK] [PSQL ARGS...]`: psql on a JDBC stack's PostgreSQL (default docker-jdbc) as
 * the boards' read-only role, inside the PostgreSQL container or pod, so no port is published and no
 * password is shown: interactive on a terminal, or with psql's own -c/-f. Exits with psql's status.
 */
import { POSTGRES_DATABASE } from '../../common/contract';
import { READER_USER } from '../../constructs/postgres';
import { STACKS } from '../../stacks/stack-list';
import { CommandFailure, fail, runCommand, stackThenArguments } from './cli';
import { deployedConfig } from './deployed-stack';
import { execInService } from './service-exec';

const JDBC_STACKS = STACKS.filter((s) => s.sink === 'jdbc');
// The reader's password is in the container's environment; psql reads it from PGPASSWORD.
const PSQL_AS_READER = `PGPASSWORD="$LEADERBOARD_READER_PASSWORD" exec psql -h 127.0.0.1 -U ${READER_USER} -d ${POSTGRES_DATABASE} "$@"`;

runCommand('psql', async (args) => {
  const { stack, rest: psqlArgs } = stackThenArguments(args, JDBC_STACKS);
  if (deployedConfig(stack.name).postgres.external) {
    fail(`${stack.name} uses an external PostgreSQL (postgres.external): connect to it with your own psql as ${READER_USER}, database ${POSTGRES_DATABASE}`);
  }
  const status = await execInService(stack, { name: 'postgres', component: 'postgres', title: 'PostgreSQL' }, ['sh', '-c', PSQL_AS_READER, 'psql', ...psqlArgs]);
  if (status !== 0) throw new CommandFailure('', status);
});
