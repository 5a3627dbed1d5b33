/**
 * Every command a Markdown file tells a user to run (the lines of its `sh` code blocks) is run by a
 * test, or is listed below as not runnable here with the reason. A test runs a command when its
 * source holds the line as a string literal, or reads it from that very document (`documentedCommand` and the
 * suites' `readmeCommand`/`docsCommand` with a pattern that matches it). `.ci/run` counts as a test:
 * it runs `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { shCommands } from '../test-support/commands';

const root = resolve(__dirname, '..');
const tracked = (pattern: string): string[] =>
  execFileSync('git', ['ls-files', pattern], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

/** Documented commands no test runs, by document: each with why it cannot run here or need not. */
const NOT_RUN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'README.md': {
    'npm run destroy -- docker-kafka': 'the script `npm run destroy` runs (README test) with the stack named; docker-kafka is destroyed by the Docker deploy suite through the same cdktf destroy',
  },
  'docs/faults.md': {
    'npx jest stacks/test/faults-docker': 'the fault suite itself; npm test runs it',
    'LEADERBOARD_FAULTS=all npx jest stacks/test/faults-docker': 'the fault suite with the whole-stack restarts, about 6 more minutes; run before a release, not in CI',
  },
  'images/standins/README.md': {
    'scripts/offline/docker-engine.sh': 'npm test\'s set-up runs it (scripts/lib/setup.sh)',
    'scripts/offline/base-image.sh': 'npm test\'s set-up runs it (scripts/lib/setup.sh)',
    'scripts/offline/standin-images.sh': 'npm test\'s set-up runs it where no image can be pulled (scripts/lib/setup.sh)',
  },
  'dashboard/README.md': {
    'npm run --silent dashboard -- --source jdbc': 'needs a PostgreSQL on 127.0.0.1:5432 with the stack\'s schema; the dashboard integration suites start the same CLI against their own',
    'PGPASSWORD=... npm run --silent dashboard -- --port 8080': 'a template: the password is the user\'s',
    'npm run --silent dashboard -- --source kafka --kafka-bootstrap-servers 127.0.0.1:9092': 'needs a Kafka on 127.0.0.1:9092; the dashboard integration suites start the same CLI against their own',
    'npm run --silent dashboard -- --help': 'prints the flags; the CLI\'s unit tests check them',
    'npm run build:images -- dashboard': 'npm test runs `npm run build:images`, which includes the dashboard',
    'docker build --build-arg BASE_IMAGE=node:22-bookworm-slim -t leaderboard-dashboard build/images/dashboard': 'needs the official Node image, which cannot be pulled here; the deploys build the same context on the stand-in base',
    'npx jest dashboard/test': 'runs suites npm test runs',
    'npx jest dashboard/test/browser.int.test.ts': 'runs a suite npm test runs',
    'npx ts-node --transpile-only bench/dashboard.ts [--changes 1000] [--clients 1000] [--fanout-changes 200]': 'a benchmark (template with optional flags); benchmarks are measured, not tested',
  },
  'injector/README.md': {
    'npm run --silent injector -- --help': 'prints the flags; the injector\'s unit tests check them',
    'npm run --silent injector -- --bootstrap-servers localhost:9092 --avg-qps 50': 'runs forever against a Kafka on localhost:9092; the injector\'s Kafka suite runs the same CLI against its own broker',
    'npm run --silent injector -- --output print --clock synthetic --seed 7 --max-events 1000 > events.jsonl': 'writes a file into the checkout; the injector\'s CLI tests run the same flags',
    'npm run build:images -- injector': 'npm test runs `npm run build:images`, which includes the injector',
    'docker build --build-arg BASE_IMAGE=<node image> -t leaderboard-stack/injector build/images/injector': 'a template: the base image is the user\'s',
    'docker run --rm -e INJECTOR_BOOTSTRAP_SERVERS=kafka:9092 -e INJECTOR_MAX_EVENTS=100000 leaderboard-stack/injector': 'needs a Kafka named kafka on the container\'s network; the Docker deploys run the image so',
    'npx jest injector/': 'runs suites npm test runs',
    'npx ts-node --transpile-only bench/injector-throughput.ts --events 1000000': 'a benchmark; benchmarks are measured, not tested',
  },
};

interface Runner {
  readonly source: string;
  /** A shell script runs its lines; a test file its string literals. */
  readonly shell: boolean;
}

/** Whether a runner runs `command` of `doc`. */
const runs = ({ source, shell }: Runner, doc: string, command: string): boolean =>
  shell
    ? source.split('\n').some((line) => line.trim() === command)
    : ["'", '"', '`'].some((q) => source.includes(`${q}${command}${q}`)) || patternsFor(source, doc).some((p) => p.test(command));

/** The patterns a test file reads documented commands with, when it names `doc`. */
function patternsFor(source: string, doc: string): RegExp[] {
  if (!source.includes(basename(doc))) return [];
  const calls = source.matchAll(/(?:documentedCommand\([^,]+,|readmeCommand\(|docsCommand\()\s*\/((?:\\\/|[^/\n])+)\/([a-z]*)/g);
  return [...calls].map((m) => new RegExp(m[1], m[2]));
}

describe('documented commands', () => {
  const docs = tracked('*.md');
  const read = (file: string): string => readFileSync(join(root, file), 'utf8');
  const runners: Runner[] = [
    ...tracked('*.test.ts').filter((f) => f !== 'test/docs-commands.test.ts').map((f) => ({ source: read(f), shell: false })),
    { source: read('.ci/run'), shell: true },
  ];

  it('finds the commands of the README and docs', () => {
    expect(shCommands(join(root, 'README.md'))).toContain('npm run deploy');
    expect(shCommands(join(root, 'docs/kubernetes.md'))).toContain('npm run kind:up');
  });

  it('runs every command in a test, or says why not', () => {
    const unaccounted: string[] = [];
    for (const doc of docs) {
      for (const command of shCommands(join(root, doc))) {
        const run = runners.some((runner) => runs(runner, doc, command));
        if (!run && !NOT_RUN[doc]?.[command]) unaccounted.push(`${doc}: ${command}`);
      }
    }
    expect(unaccounted).toEqual([]);
  });

  it('lists no command the docs no longer have, or that a test now runs', () => {
    const stale: string[] = [];
    for (const [doc, commands] of Object.entries(NOT_RUN)) {
      const documented = docs.includes(doc) ? shCommands(join(root, doc)) : [];
      for (const command of Object.keys(commands)) {
        const run = runners.some((runner) => runs(runner, doc, command));
        if (!documented.includes(command) || run) stale.push(`${doc}: ${command}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
