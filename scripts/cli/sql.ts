/**
 * `npm run sql [-- STACK] [-f FILE] [SQL CLIENT ARGS...]`: Flink's SQL client on a stack's session
 * cluster (default docker-jdbc), started in the stack's sql-client container or pod with the pipeline's
 * tables already defined (`SELECT * FROM top_teams`). Interactive on a terminal; a script from `-f FILE`
 * (a file on this machine) or from stdin runs non-interactively. Exits with the client's status.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SQL_CLIENT } from '../../constructs/sql-client';
import { CommandFailure, fail, runCommand, stackThenArguments } from './cli';
import { execInService } from './service-exec';

runCommand('sql', async (args) => {
  const { stack, rest: clientArgs } = stackThenArguments(args);
  const fileAt = clientArgs.indexOf('-f');
  let script: string | undefined;
  if (fileAt >= 0) {
    const file = clientArgs[fileAt + 1];
    if (file === undefined) fail('-f needs a file: npm run sql -- [STACK] -f FILE');
    script = resolve(file);
    if (!existsSync(script)) fail(`no such file: ${script}`);
    clientArgs.splice(fileAt, 2);
  }
  const fromStdin = script !== undefined || !process.stdin.isTTY;
  const command = ['bash', SQL_CLIENT.startScript, ...(fromStdin ? [SQL_CLIENT.scriptFromStdin] : []), ...clientArgs];
  const status = await execInService(stack, { name: SQL_CLIENT.serviceName, component: 'sql-client', title: 'SQL client' }, command, script);
  if (status !== 0) throw new CommandFailure('', status);
});
