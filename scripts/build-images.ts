/**
 * `npm run build:images [flink|injector|dashboard|schema-registry ...]`: writes the offline build
 * context of each project image (all of them by default) to build/images/<name>/, where the Docker target's image
 * builds and `npm run kind:up` find them, and prints each context directory. Build one with
 * `docker build --build-arg BASE_IMAGE=<image> <dir>`.
 *
 * Each context is written into a temporary directory and swapped in whole, or left alone when
 * nothing changed, so a run is idempotent (an unchanged context keeps its digest, so no redeploy
 * rebuilds the image) and an interrupted run never leaves half a context behind.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { USER_SCORE_SCHEMA_FILE } from '../common/contract/event-schema';
import { PROJECT_IMAGE_NAMES, ProjectImageName, buildContextDir } from '../constructs/images';
import { writeBuildContext as writeDashboardFiles } from '../dashboard/src/bundle';
import { bundleInjector } from '../injector/src/bundle';
import { bundleSchemaRegistry } from '../schema-registry/src/bundle';
import versions from '../versions.json';

const root = resolve(__dirname, '..');

/** Sets the Dockerfile's `ARG BASE_IMAGE` default, so a plain `docker build <dir>` uses the pinned base. */
function withBaseImageDefault(dockerfile: string, baseImage: string): string {
  const line = /^ARG BASE_IMAGE$/m;
  if (!line.test(dockerfile)) throw new Error('Dockerfile has no line `ARG BASE_IMAGE` to give a default');
  return dockerfile.replace(line, `ARG BASE_IMAGE=${baseImage}`);
}

/** A jar's artifact id: its file name without version, classifier `-jre` and extension. */
const artifactOf = (jar: string): string => basename(jar).replace(/-[0-9][^-]*(-[0-9.]+)?(-jre)?\.jar$/, '');

const jarsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.jar')).map((f) => join(dir, f));

/**
 * Dockerfile with the base image default; lib/ with the connector jars (Kafka connector and clients,
 * JDBC connector, PostgreSQL driver) minus what Flink's own lib already has (e.g. lz4, snappy);
 * usrlib/ with the SQL runner.
 */
function flinkContext(dir: string): void {
  // build.sh rebuilds only what changed, and prints its output directory.
  const flink = execFileSync(join(root, 'flink-sql', 'build.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const dockerfile = readFileSync(join(root, 'flink-sql', 'image', 'Dockerfile'), 'utf8');
  writeFileSync(join(dir, 'Dockerfile'), withBaseImageDefault(dockerfile, versions.images.flinkBase));
  const inFlink = new Set(jarsIn(join(flink, 'lib')).map(artifactOf));
  // flink-connector-base is kept although our module-jar lib has it: the connectors need it, and whether a
  // base image's flink-dist bundles it is not part of the official image's contract (same version: harmless).
  inFlink.delete('flink-connector-base');
  mkdirSync(join(dir, 'lib'));
  for (const jar of jarsIn(join(flink, 'connectors'))) {
    if (!inFlink.has(artifactOf(jar))) copyFileSync(jar, join(dir, 'lib', basename(jar)));
  }
  mkdirSync(join(dir, 'usrlib'));
  copyFileSync(join(flink, 'runner', 'leaderboard-sql-runner.jar'), join(dir, 'usrlib', 'leaderboard-sql-runner.jar'));
}

/** Dockerfile with the base image default, the single bundle and the Avro event schema it reads. */
async function injectorContext(dir: string): Promise<void> {
  await bundleInjector(join(dir, 'injector.js'));
  const dockerfile = readFileSync(join(root, 'injector', 'Dockerfile'), 'utf8');
  writeFileSync(join(dir, 'Dockerfile'), withBaseImageDefault(dockerfile, versions.images.node));
  writeFileSync(join(dir, '.dockerignore'), `*\n!Dockerfile\n!injector.js\n!${USER_SCORE_SCHEMA_FILE}\n`);
}

/** Dockerfile, the server bundle and the page. */
async function dashboardContext(dir: string): Promise<void> {
  await writeDashboardFiles(dir);
  copyFileSync(join(root, 'dashboard', 'Dockerfile'), join(dir, 'Dockerfile'));
  writeFileSync(join(dir, '.dockerignore'), '*\n!Dockerfile\n!server.js\n!public\n');
}

/** Dockerfile and the single bundle. */
async function schemaRegistryContext(dir: string): Promise<void> {
  await bundleSchemaRegistry(join(dir, 'schema-registry.js'));
  copyFileSync(join(root, 'schema-registry', 'Dockerfile'), join(dir, 'Dockerfile'));
  writeFileSync(join(dir, '.dockerignore'), '*\n!Dockerfile\n!schema-registry.js\n');
}

const WRITERS: Readonly<Record<ProjectImageName, (dir: string) => void | Promise<void>>> = {
  flink: flinkContext,
  injector: injectorContext,
  dashboard: dashboardContext,
  'schema-registry': schemaRegistryContext,
};

/** `chmod -R a+rX`: the image build reads the context as whatever user the engine runs as. */
function makeReadable(path: string): void {
  const stat = statSync(path);
  const executable = stat.isDirectory() || (stat.mode & 0o111) !== 0;
  chmodSync(path, (stat.mode & 0o7777) | 0o444 | (executable ? 0o111 : 0));
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeReadable(join(path, entry));
}

/** Same entries with the same contents, recursively (`diff -r`). */
function sameTree(a: string, b: string): boolean {
  const sa = statSync(a);
  const sb = statSync(b);
  if (sa.isDirectory() !== sb.isDirectory()) return false;
  if (!sa.isDirectory()) return sa.size === sb.size && readFileSync(a).equals(readFileSync(b));
  const entries = readdirSync(a).sort();
  const others = readdirSync(b).sort();
  return entries.length === others.length && entries.every((e, i) => e === others[i] && sameTree(join(a, e), join(b, e)));
}

export interface BuiltContext {
  readonly dir: string;
  /** False when the context was already up to date and left alone. */
  readonly changed: boolean;
}

/** Writes the build context of one project image; see the file comment. */
export async function buildImageContext(name: ProjectImageName): Promise<BuiltContext> {
  const out = buildContextDir(name);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = mkdtempSync(join(dirname(out), `.${name}.`));
  try {
    await WRITERS[name](tmp);
    makeReadable(tmp);
    if (existsSync(out) && sameTree(tmp, out)) return { dir: out, changed: false };
    const old = `${out}.old`;
    rmSync(old, { recursive: true, force: true });
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
    return { dir: out, changed: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const unknown = args.filter((a) => !PROJECT_IMAGE_NAMES.includes(a as ProjectImageName));
  if (unknown.length > 0) throw new Error(`unknown image '${unknown[0]}'; images: ${PROJECT_IMAGE_NAMES.join(', ')}`);
  const names = args.length > 0 ? (args as ProjectImageName[]) : PROJECT_IMAGE_NAMES;
  // esbuild names the bundles' sources relative to the working directory; from the root they hold no machine paths.
  process.chdir(root);
  for (const name of names) {
    const built = await buildImageContext(name);
    process.stdout.write(`${built.dir}${built.changed ? '' : ' (unchanged)'}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`build-images: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
