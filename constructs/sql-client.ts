/**
 * Flink's SQL client beside the session cluster, for `npm run sql`: an idle container of the project's
 * Flink image that a user's session is started in (`docker exec` / `kubectl exec`), with the pipeline's
 * tables defined by an init script in a catalog kept on the container's volume. A container of its own
 * rather than the JobManager's: the client is a JVM of its own, and the JobManager's memory limit
 * leaves no room for one.
 */
import { Construct } from 'constructs';
import { FLINK_IMAGE, IFlinkSession } from './flink-session';
import { IPlatform, IService, SecretRef } from './platform/platform';

/** Where the client's files are inside its container. */
export const SQL_CLIENT = {
  serviceName: 'sql-client',
  initScript: '/opt/flink/sql-client/init.sql',
  /** Starts a session; `--script-from-stdin` runs the script on stdin instead of a prompt. */
  startScript: '/opt/flink/sql-client/start.sh',
  scriptFromStdin: '--script-from-stdin',
  /** The catalog's directory, a volume: tables a user creates outlive the session and the container. */
  catalogDir: '/opt/flink/catalog',
} as const;

/**
 * Idle until a user starts a session in it. As process 1, a bare `sleep` would ignore the stop signal
 * and hold up every stop and destroy by the engine's grace period.
 */
export const IDLE = ['bash', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

/** What a session says at its start when a query would wait for a task slot. */
export const NO_FREE_SLOT =
  'the Flink session has no free task slot (the pipeline\'s jobs hold them all): a query waits for one until it times out; give the session more with flink.taskSlots or flink.taskManagers';

/** What a script run through the start script says when a statement failed (its status is then 1). */
export const SQL_FAILED = 'the SQL script stopped at the failed statement above';

export interface SqlClientProps {
  readonly platform: IPlatform;
  /** The project's Flink image: the runner jar holds the input's format and the metrics' functions. */
  readonly image: string;
  readonly session: IFlinkSession;
  /**
   * The session's init script: the tables a user queries without DDL. Table options may name secrets as
   * `${NAME}` placeholders, which the catalog fills in from `secretEnv` when a query reads the table.
   */
  readonly initSql: string;
  /** The secrets the tables' placeholders name (e.g. the boards' read-only role). */
  readonly secretEnv: Record<string, SecretRef>;
  /**
   * Size of the catalog's volume, GiB.
   * @default 1
   */
  readonly catalogVolumeGiB?: number;
  /**
   * Memory of the container, MiB: the client's JVM takes a quarter of it as heap.
   * @default 1024
   */
  readonly memoryMiB?: number;
}

export class SqlClient extends Construct {
  readonly service: IService;

  constructor(scope: Construct, id: string, props: SqlClientProps) {
    super(scope, id);
    const { ui } = props.session;
    const memoryMiB = props.memoryMiB ?? 1024;
    if (!Number.isInteger(memoryMiB) || memoryMiB < 512) throw new Error(`SqlClient: memoryMiB must be an integer of at least 512, got ${memoryMiB}`);
    const catalogVolumeGiB = props.catalogVolumeGiB ?? 1;
    if (!Number.isInteger(catalogVolumeGiB) || catalogVolumeGiB < 1) throw new Error(`SqlClient: catalogVolumeGiB must be a whole number of GiB, at least 1, got ${catalogVolumeGiB}`);
    this.service = props.platform.addService(this, {
      name: SQL_CLIENT.serviceName,
      component: 'sql-client',
      image: props.image,
      user: FLINK_IMAGE.uid,
      entrypoint: IDLE,
      secretEnv: props.secretEnv,
      volumes: [{ name: 'sql-catalog', mountPath: SQL_CLIENT.catalogDir, sizeGiB: catalogVolumeGiB }],
      files: [
        { path: SQL_CLIENT.initScript, content: props.initSql },
        // Run by bash: on Docker an uploaded file's execute bit is its owner's (root's) only.
        { path: SQL_CLIENT.startScript, content: startScript(ui.host, ui.port) },
      ],
      // Ready once its files are in place; nothing runs in it between sessions.
      health: { command: ['test', '-r', SQL_CLIENT.startScript], intervalSec: 10 },
      resources: { cpuMillis: 100, memoryMiB },
    });
    // Its only connection: the session lets it in where the target isolates the REST API.
    props.session.allowRestClient(this.service);
  }
}

/**
 * The client runs its queries as jobs of the session (through its REST API) and checkpoints none, so a
 * query commits no offsets.
 */
function startScript(restHost: string, restPort: number): string {
  return `#!/usr/bin/env bash
set -euo pipefail
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A query takes a task slot of the session; the pipeline's jobs may hold them all.
slots=$(timeout 5 bash -c 'exec 3<>/dev/tcp/$0/$1 && printf "GET /overview HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' ${restHost} ${restPort} 2>/dev/null |
  sed -n 's/.*"slots-available":\\([0-9]*\\).*/\\1/p') || true
if [ "$slots" = 0 ]; then
  echo "${NO_FREE_SLOT}" >&2
fi
args=(-Drest.address=${restHost} -Drest.port=${restPort} -Dexecution.target=remote --jar ${FLINK_IMAGE.runnerJar} -i ${SQL_CLIENT.initScript})
if [ "\${1:-}" != ${SQL_CLIENT.scriptFromStdin} ]; then
  sql-client.sh "\${args[@]}" "$@"
  exit
fi
shift
cat >"$work/script.sql"
# No terminal to drive: the client need not look for one (and warn that it found none).
export JVM_ARGS="\${JVM_ARGS:-} -Dorg.jline.terminal.dumb=true"
# Flink's client ends a script at its first failed statement, but with status 0.
sql-client.sh "\${args[@]}" -f "$work/script.sql" "$@" | tee "$work/output"
if grep -q '\\[ERROR\\] Could not execute SQL statement' "$work/output"; then
  echo "${SQL_FAILED}" >&2
  exit 1
fi
`;
}
