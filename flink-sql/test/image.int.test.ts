/**
 * The project's Flink image, built for real from the offline context on the base image (official or
 * the stand-in): it runs as a non-root user, has the runner where the constructs expect it, and its
 * jar set (base lib + connectors) plans every rendered script in the runner's validate mode.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import versions from '../../versions.json';
import { JAVA17_FLINK_OPTS, RUNNER_MAIN } from '../../test-support/flink';
import { buildImageContext } from '../../scripts/build-images';
import { Check, describeWith } from '../../test-support/prerequisites';
import { JOB_LAYOUTS, SINK_VARIANTS } from '../../common/contract';
import { renderJobs } from '../src/render';
import { tempDir } from '../../test-support/temp-dirs';

const RUNNER_JAR = '/opt/flink/usrlib/leaderboard-sql-runner.jar';
const TAG = 'leaderboard-flink:image-test';

const imageExists = (image: string): boolean => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 30_000 }).status === 0;

/** LEADERBOARD_FLINK_BASE_IMAGE, else the official image if loaded, else the offline stand-in. */
function baseImage(): string | undefined {
  const candidates = [process.env.LEADERBOARD_FLINK_BASE_IMAGE, versions.images.flinkBase, `leaderboard-standin/flink:${versions.flink}-java${versions.java}`];
  return candidates.find((c): c is string => c !== undefined && c !== '' && imageExists(c));
}

const dockerCheck: Check = () =>
  spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 }).status === 0 ? undefined : 'no Docker engine reachable (docker info failed)';
const baseImageCheck: Check = () =>
  dockerCheck() !== undefined || baseImage() !== undefined ? undefined : 'no Flink base image loaded (set LEADERBOARD_FLINK_BASE_IMAGE or build the stand-in)';

describeWith([dockerCheck, baseImageCheck])('the project Flink image', () => {
  beforeAll(async () => {
    const { dir: context } = await buildImageContext('flink');
    execFileSync('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${baseImage()}`, '-t', TAG, context], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
  }, 30 * 60_000);

  it('runs as a non-root user and has the runner jar and the jobs directory', () => {
    const out = execFileSync('docker', ['run', '--rm', '--entrypoint', 'sh', TAG, '-c', `id -u; test -r ${RUNNER_JAR} && test -w /opt/flink/jobs && echo ok`], { encoding: 'utf8', timeout: 120_000 });
    const [uid, ok] = out.trim().split('\n');
    expect(Number(uid)).not.toBe(0);
    expect(ok).toBe('ok');
  }, 180_000);

  it('plans every rendered script with the jars in the image', () => {
    const dir = tempDir('image-test');
    const scripts = SINK_VARIANTS.flatMap((sink) =>
      JOB_LAYOUTS.flatMap((layout) =>
        renderJobs({
          sink: sink === 'kafka' ? { variant: sink } : { variant: sink, jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard', jdbcUsername: 'writer' },
          layout,
          kafkaBootstrapServers: 'kafka:9092',
          inputTopic: 'user-score',
          startupMode: 'earliest',
        }).map((job) => {
          const file = `${sink}-${job.name}.sql`;
          writeFileSync(path.join(dir, file), job.sql, { mode: 0o644 });
          return file;
        }),
      ),
    );
    execFileSync('chmod', ['755', dir]);
    const r = spawnSync(
      'docker',
      ['run', '--rm', '-v', `${dir}:/scripts:ro`, '--entrypoint', 'java', TAG, ...JAVA17_FLINK_OPTS, '-cp', `/opt/flink/lib/*:${RUNNER_JAR}`, RUNNER_MAIN, '--validate', ...scripts.flatMap((s) => ['--script', `/scripts/${s}`])],
      { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0) throw new Error(`validate in the image failed (exit ${r.status}):\n${r.stderr.split('\n').filter((l) => l.startsWith('{')).join('\n')}`);
    expect(r.stderr.split('\n').filter((l) => l.includes('"msg":"valid"'))).toHaveLength(scripts.length);
  }, 20 * 60_000);
});
