/**
 * `npm test`: sets up what the test suites need on a fresh machine (system packages, OpenTofu and the
 * providers, a Docker engine with the third-party images, the Flink Kubernetes Operator, kind with its
 * node image, the project image contexts), each by the artefact rule of scripts/lib/setup.sh and
 * skipping what is there, then runs jest with the arguments given (`npm run test:integration` and
 * `npm run test:deploy` name their tier). The unit tier needs none of this: npm run test:unit.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandFailure, LOCAL_DIR, REPO_ROOT, fail, nextStep, plan, progress, runCommand } from './cli';
import { cacheRoot, ensureDockerEngine, ensureImages, ensureKind, ensureTofu, projectImageContexts } from './setup-steps';
import { jestArguments } from './jest-arguments';
import { attached } from './processes';
import { setUp } from './toolchain';

runCommand('test', async (args) => {
  const cache = cacheRoot();
  mkdirSync(cache, { recursive: true });
  plan(6);
  nextStep('system packages (PostgreSQL server, Chromium, JDK, Maven)');
  if ((await setUp(['can_apt'], [0, 1])) === 0) {
    if ((await attached('bash', ['scripts/ci/system-packages.sh'], 'stderr', REPO_ROOT)) !== 0) fail('installing the system packages failed (scripts/ci/system-packages.sh)');
  } else {
    progress('not root on Debian/Ubuntu: suites whose tools are missing will say which and be skipped');
  }
  nextStep('Docker engine');
  await ensureDockerEngine();

  nextStep('the third-party images and the Flink Kubernetes Operator (beside OpenTofu and the providers)');
  // The images and the operator are mostly downloads and image builds: they run beside the CPU-bound
  // Go builds of OpenTofu. The suites read what they obtained from the cache: the stand-ins' names
  // (empty for the official images), the operator's image and chart or why there is none.
  const operatorObtained = (async () => {
    await ensureImages(join(cache, 'standin-images.txt'));
    return (await setUp(['ensure_flink_operator', join(cache, 'flink-operator.txt')], [0, 1])) === 0;
  })();
  const [kubernetes] = await Promise.all([operatorObtained, ensureTofu()]).catch((err: unknown) => {
    if (err instanceof CommandFailure) fail('obtaining the images, the Flink Kubernetes Operator or OpenTofu failed; the line above says why', err.status);
    throw err;
  });

  nextStep("kind, kubectl and kind's node image (official, else built offline)");
  if (kubernetes) {
    await ensureKind();
    // The Kubernetes suites, and the documented commands they run, call kind and kubectl by name.
    process.env.PATH = `${join(LOCAL_DIR, 'bin')}:${process.env.PATH ?? ''}`;
  }
  nextStep('project image contexts');
  await projectImageContexts();
  nextStep('jest');
  const status = await attached(join(REPO_ROOT, 'node_modules', '.bin', 'jest'), jestArguments(args), 'inherit', REPO_ROOT);
  if (status !== 0) fail('', status);
});
