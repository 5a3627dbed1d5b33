/**
 * A real PostgreSQL server (Debian's binaries: initdb, pg_ctl) for integration tests, in its own temp
 * dir on a free loopback port, with scram-sha-256 password authentication and a superuser password
 * generated per server. PostgreSQL refuses to run as root, so under root it runs as the `postgres` OS
 * user that Debian's package creates.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import versions from '../versions.json';
import { freePorts } from './kafka';
import { Check } from './prerequisites';

const runFile = promisify(execFile);
const osUser = 'postgres';
const binaries = ['initdb', 'pg_ctl', 'postgres'];

export interface PostgresOptions {
  /** Superuser role; default `postgres`, as in the official image. */
  user?: string;
  /** Database created for the tests (besides `postgres`), and the one `url` and `query` use. */
  database?: string;
  /** Bound on each start (and restart) until the server accepts connections; default 60 s. */
  startTimeoutMs?: number;
  /**
   * Also listen on this address (e.g. a Docker bridge's gateway, which containers reach), admitting
   * password logins from anywhere there; with `tls`, TLS-only logins (a self-signed certificate).
   */
  remote?: { address: string; tls: boolean };
}

export interface PgServer {
  /** `postgresql://user:password@127.0.0.1:port/database`, for node-postgres. */
  readonly url: string;
  /** `jdbc:postgresql://127.0.0.1:port/database`, for Flink's JDBC connector (credentials apart). */
  readonly jdbcUrl: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The server's log, for diagnosing a failed test. */
  readonly logFile: string;
  /** Stops the server (fast shutdown) and deletes its data. */
  stop(): Promise<void>;
  /** Stops the server cleanly and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Runs one statement on a fresh connection to `database` and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

const hasBinaries = (dir: string) => binaries.every((b) => existsSync(path.join(dir, b)));

/**
 * Debian installs each major version under /usr/lib/postgresql/<major>/bin; prefer the major in
 * versions.json (what the stack deploys), else the newest installed, else the binaries on PATH.
 */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((m) => /^\d+$/.test(m)) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  const preferred = [versions.postgres, ...majors.filter((m) => m !== versions.postgres)];
  for (const major of preferred) {
    const dir = path.join(root, major, 'bin');
    if (hasBinaries(dir)) return dir;
  }
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    const dir = path.dirname(execFileSync('realpath', [initdb], { encoding: 'utf8' }).trim());
    return hasBinaries(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const runningAsRoot = () => process.getuid?.() === 0;

function osUserIds(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, osUser], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Prerequisite for suites that start PostgreSQL: the server binaries and, under root, an OS user to run them. */
export const postgresCheck: Check = () => {
  if (postgresBinDir() === undefined) {
    return 'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install the Debian package postgresql';
  }
  if (runningAsRoot() && osUserIds() === undefined) {
    return `running as root and there is no '${osUser}' OS user to run PostgreSQL as (the Debian package postgresql creates it)`;
  }
  return undefined;
};

/** Runs a PostgreSQL binary as the server's OS user. */
function runAsServerUser(binary: string, args: string[], timeoutMs: number) {
  const [file, argv] = runningAsRoot() ? ['runuser', ['-u', osUser, '--', binary, ...args]] : [binary, args];
  return runFile(file, argv, { timeout: timeoutMs });
}

function failure(action: string, error: unknown, logFile?: string): Error {
  const e = error as Error & { stderr?: string };
  const log = logFile && existsSync(logFile) ? `\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}` : '';
  return new Error(`PostgreSQL ${action} failed: ${e.stderr?.trim() || e.message}${log}`);
}

const running = new Map<string, string>();
let exitHookInstalled = false;

/** A jest worker that exits without calling stop() must not leave a postmaster behind. */
function track(dataDir: string, pgCtl: string): void {
  if (!exitHookInstalled) {
    process.on('exit', () => {
      for (const [dir, ctl] of running) {
        const [file, argv] = runningAsRoot() ? ['runuser', ['-u', osUser, '--', ctl]] : [ctl, []];
        try {
          execFileSync(file, [...argv, '-D', dir, '-m', 'immediate', 'stop'], { stdio: 'ignore', timeout: 10_000 });
        } catch {
          // Already stopped.
        }
      }
    });
    exitHookInstalled = true;
  }
  running.set(dataDir, pgCtl);
}

/** A throw-away key and certificate in the data directory, and TLS on. */
async function selfSignedCertificate(dataDir: string): Promise<void> {
  const key = path.join(dataDir, 'server.key');
  const cert = path.join(dataDir, 'server.crt');
  await runFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=leaderboard-test', '-keyout', key, '-out', cert], { timeout: 60_000 });
  if (runningAsRoot()) {
    const ids = osUserIds()!;
    for (const file of [key, cert]) chownSync(file, ids.uid, ids.gid);
  }
  chmodSync(key, 0o600);
  appendFileSync(path.join(dataDir, 'postgresql.conf'), `ssl = on\nssl_cert_file = '${cert}'\nssl_key_file = '${key}'\n`);
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PgServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(postgresCheck());
  const pgCtl = path.join(bin, 'pg_ctl');
  const user = options.user ?? 'postgres';
  const database = options.database ?? 'postgres';
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const host = '127.0.0.1';
  const password = randomBytes(24).toString('base64url');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'leaderboard-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const passwordFile = path.join(dir, 'superuser-password');
  const [port] = await freePorts(1);

  const pgCtlStart = async () => {
    try {
      await runAsServerUser(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', String(Math.ceil(startTimeoutMs / 1000)), 'start'], startTimeoutMs + 5000);
    } catch (error) {
      throw failure('start', error, logFile);
    }
    track(dataDir, pgCtl);
  };
  const pgCtlStop = async () => {
    try {
      await runAsServerUser(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], 65_000);
    } catch (error) {
      throw failure('stop', error, logFile);
    }
    running.delete(dataDir);
  };
  const connect = async (db: string) => {
    const client = new Client({ host, port, user, password, database: db });
    await client.connect();
    return client;
  };

  try {
    writeFileSync(passwordFile, password, { mode: 0o600 });
    if (runningAsRoot()) {
      const ids = osUserIds();
      if (ids === undefined) throw new Error(postgresCheck());
      chownSync(dir, ids.uid, ids.gid);
      chownSync(passwordFile, ids.uid, ids.gid);
    }
    try {
      await runAsServerUser(
        path.join(bin, 'initdb'),
        ['-D', dataDir, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync'],
        120_000,
      );
    } catch (error) {
      throw failure('initdb', error);
    } finally {
      rmSync(passwordFile, { force: true });
    }
    // Loopback (and the remote address); the socket goes in the temp dir because Debian's
    // /var/run/postgresql may not exist.
    const remote = options.remote;
    const listen = remote ? `${host},${remote.address}` : host;
    appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      `\nlisten_addresses = '${listen}'\nport = ${port}\nunix_socket_directories = '${dir}'\n`,
    );
    if (remote) {
      appendFileSync(path.join(dataDir, 'pg_hba.conf'), `\n${remote.tls ? 'hostssl' : 'host'} all all 0.0.0.0/0 scram-sha-256\n`);
      if (remote.tls) await selfSignedCertificate(dataDir);
    }
    await pgCtlStart();
    if (database !== 'postgres') {
      const admin = await connect('postgres');
      try {
        await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      } finally {
        await admin.end();
      }
    }
  } catch (error) {
    if (running.has(dataDir)) await pgCtlStop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    url: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`,
    jdbcUrl: `jdbc:postgresql://${host}:${port}/${database}`,
    host,
    port,
    user,
    password,
    database,
    logFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgCtlStop();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      if (stopped) throw new Error('restart() after stop(): the server and its data are gone');
      await pgCtlStop();
      await pgCtlStart();
    },
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const client = await connect(database);
      try {
        return (await client.query<Row>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}
