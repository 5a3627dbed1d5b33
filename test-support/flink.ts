/**
 * Real Flink for tests, on the host: the SQL runner jar and Flink's module jars (flink-sql/build.sh,
 * Maven Central or ~/.m2), the runner's validate mode, and a session cluster started with Flink's own
 * entrypoints (StandaloneSessionClusterEntrypoint + TaskManagerRunner) on loopback, with the same jar
 * set as the project's Flink image: Flink's lib plus the connectors the image adds.
 */
import { ChildProcess, execFileSync, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FLINK_IMAGE } from '../constructs/flink-session';
import { freePorts } from './kafka';
import { Check, commandExists } from './prerequisites';

const repoRoot = path.resolve(__dirname, '..');
const buildScript = path.join(repoRoot, 'flink-sql', 'build.sh');

// The classes the stacks run, so the runner tests exercise exactly what a deployment starts.
export const RUNNER_MAIN = FLINK_IMAGE.runnerMainClass;
export const SUBMITTER_MAIN = FLINK_IMAGE.submitterMainClass;

/** java and mvn, which build.sh needs to build the runner and fetch Flink's jars. */
export const flinkCheck: Check = () => commandExists('java')() ?? commandExists('mvn')();

export interface FlinkArtifacts {
  readonly runnerJar: string;
  /** Flink's module jars plus the connector jars, without duplicate artifacts (Flink's lib wins). */
  readonly classpath: readonly string[];
}

let cached: FlinkArtifacts | undefined;

/** Builds (idempotently, fast when nothing changed) and returns the runner jar and the Flink jar set. */
export function flinkArtifacts(): FlinkArtifacts {
  if (cached !== undefined) return cached;
  const dir = execFileSync(buildScript, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 }).trim();
  const jars = (sub: string) => readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.jar')).sort();
  const artifactOf = (jar: string) => jar.replace(/-\d[^-]*(-[\d.]+)?(-jre)?\.jar$/, '');
  const lib = jars('lib');
  const libArtifacts = new Set(lib.map(artifactOf));
  const connectors = jars('connectors').filter((j) => !libArtifacts.has(artifactOf(j)));
  cached = {
    runnerJar: path.join(dir, 'runner', 'leaderboard-sql-runner.jar'),
    classpath: [...lib.map((j) => path.join(dir, 'lib', j)), ...connectors.map((j) => path.join(dir, 'connectors', j))],
  };
  return cached;
}

/** Runs the runner (or another main class in its jar) with Flink's jars, synchronously. */
export function runRunner(args: string[], options: { main?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): SpawnSyncReturns<string> {
  const { runnerJar, classpath } = flinkArtifacts();
  return spawnSync('java', ['-Xmx1g', ...JAVA17_FLINK_OPTS, '-cp', [...classpath, runnerJar].join(':'), options.main ?? RUNNER_MAIN, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

export interface FlinkCluster {
  /** `http://127.0.0.1:<port>`: the JobManager's REST API and web UI. */
  readonly restUrl: string;
  readonly logDir: string;
  /** GET on the REST API, parsed. */
  rest<T>(pathAndQuery: string): Promise<T>;
  /** Cancels every job that is not finished yet and waits until none runs. */
  cancelAllJobs(): Promise<void>;
  stop(): Promise<void>;
}

export interface FlinkClusterOptions {
  /** Task slots of the one TaskManager. @default 8 */
  readonly slots?: number;
  /** Extra environment of both processes, e.g. the JDBC password the runner substitutes. */
  readonly env?: Record<string, string>;
  /** Bound on the start until a TaskManager has registered. @default 180 s */
  readonly startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The module opens Flink needs on Java 17, which its start scripts pass from the default config's
 * env.java.opts.all (e.g. DataStream V2 reflects into java.util when a job is submitted).
 */
export const JAVA17_FLINK_OPTS = [
  ...['java.base/sun.net.util', 'java.rmi/sun.rmi.registry', 'jdk.compiler/com.sun.tools.javac.api', 'jdk.compiler/com.sun.tools.javac.file',
    'jdk.compiler/com.sun.tools.javac.parser', 'jdk.compiler/com.sun.tools.javac.tree', 'jdk.compiler/com.sun.tools.javac.util',
    'java.security.jgss/sun.security.krb5'].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ...['java.lang', 'java.net', 'java.io', 'java.nio', 'sun.nio.ch', 'java.lang.reflect', 'java.text', 'java.time', 'java.util',
    'java.util.concurrent', 'java.util.concurrent.atomic', 'java.util.locks'].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
];

/** JVM options and dynamic config for a Flink process, computed by Flink as its start scripts do. */
function resourceParams(classpath: string, confDir: string, which: 'JM' | 'TM'): { jvm: string[]; dynamic: string[] } {
  const out = execFileSync('java', ['-cp', classpath, 'org.apache.flink.runtime.util.bash.BashJavaUtils', `GET_${which}_RESOURCE_PARAMS`, '--configDir', confDir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const results = out
    .split('\n')
    .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (results.length < 2) throw new Error(`BashJavaUtils GET_${which}_RESOURCE_PARAMS gave no parameters:\n${out}`);
  return { jvm: results[0].split(/\s+/).filter(Boolean), dynamic: results[1].split(/\s+/).filter(Boolean) };
}

export async function startFlinkCluster(options: FlinkClusterOptions = {}): Promise<FlinkCluster> {
  const { classpath } = flinkArtifacts();
  const cp = classpath.join(':');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leaderboard-flink-'));
  const confDir = path.join(dir, 'conf');
  const logDir = path.join(dir, 'log');
  for (const d of [confDir, logDir, path.join(dir, 'tmp'), path.join(dir, 'upload')]) execFileSync('mkdir', ['-p', d]);
  const [rpcPort, restPort] = await freePorts(2);
  const config: Record<string, string | number> = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': rpcPort,
    'jobmanager.bind-host': '127.0.0.1',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': restPort,
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.numberOfTaskSlots': options.slots ?? 8,
    'parallelism.default': 1,
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.memory.process.size': '2560m',
    // Streaming SQL on the heap state backend needs no managed memory; the heap gets it instead.
    'taskmanager.memory.managed.fraction': '0.05',
    'state.backend.type': 'hashmap',
    'io.tmp.dirs': path.join(dir, 'tmp'),
    'web.upload.dir': path.join(dir, 'upload'),
    'web.submit.enable': 'true',
  };
  writeFileSync(path.join(confDir, 'config.yaml'), Object.entries(config).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  writeFileSync(
    path.join(confDir, 'log4j.properties'),
    [
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = MainAppender',
      'appender.main.name = MainAppender',
      'appender.main.type = File',
      'appender.main.fileName = ${sys:log.file}',
      'appender.main.layout.type = PatternLayout',
      'appender.main.layout.pattern = %d{ISO8601} %-5p %c{1} - %m%n',
      'logger.kafka.name = org.apache.kafka',
      'logger.kafka.level = WARN',
    ].join('\n') + '\n',
  );

  const processes: ChildProcess[] = [];
  const start = (name: string, main: string, params: { jvm: string[]; dynamic: string[] }) => {
    const logFile = path.join(logDir, `${name}.log`);
    const out = createWriteStream(path.join(logDir, `${name}.out`));
    const child = spawn(
      'java',
      [
        ...params.jvm,
        ...JAVA17_FLINK_OPTS,
        `-Dlog.file=${logFile}`,
        `-Dlog4j.configurationFile=file:${path.join(confDir, 'log4j.properties')}`,
        '-cp',
        cp,
        main,
        '--configDir',
        confDir,
        ...params.dynamic,
      ],
      { env: { ...process.env, ...options.env, FLINK_CONF_DIR: confDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    processes.push(child);
  };
  start('jobmanager', 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', resourceParams(cp, confDir, 'JM'));
  start('taskmanager', 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', resourceParams(cp, confDir, 'TM'));

  const restUrl = `http://127.0.0.1:${restPort}`;
  const rest = async <T>(p: string): Promise<T> => {
    const response = await fetch(restUrl + p, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${p}: HTTP ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const stop = async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGTERM');
    const deadline = Date.now() + 30_000;
    while (processes.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(200);
    for (const child of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const logTail = () =>
    ['jobmanager', 'taskmanager']
      .map((n) => path.join(logDir, `${n}.log`))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-30).join('\n')}`)
      .join('\n');

  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  let last = '';
  for (;;) {
    const dead = processes.find((c) => c.exitCode !== null);
    if (dead !== undefined) {
      const tail = logTail();
      await stop();
      throw new Error(`a Flink process exited with ${dead.exitCode} during start:\n${tail}`);
    }
    try {
      const overview = await rest<{ taskmanagers: number }>('/overview');
      if (overview.taskmanagers >= 1) break;
      last = 'no TaskManager registered yet';
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`Flink cluster not ready within ${options.startTimeoutMs ?? 180_000} ms (last: ${last}):\n${tail}`);
    }
    await sleep(500);
  }

  const cancelAllJobs = async () => {
    const alive = async () => (await rest<{ jobs: { jid: string; state: string }[] }>('/jobs/overview')).jobs.filter((j) => !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state));
    for (const job of await alive()) {
      await fetch(`${restUrl}/jobs/${job.jid}?mode=cancel`, { method: 'PATCH', signal: AbortSignal.timeout(10_000) });
    }
    const until = Date.now() + 60_000;
    while ((await alive()).length > 0) {
      if (Date.now() > until) throw new Error('jobs still alive 60 s after cancelling them');
      await sleep(500);
    }
  };

  return { restUrl, logDir, rest, cancelAllJobs, stop };
}
