/**
 * Prints what scripts/kind-up.sh needs from the stack configuration (the file named by
 * LEADERBOARD_CONFIG, or the defaults), one item per line, so the script and the stacks cannot drift:
 *
 *   namespace <namespace>
 *   image <reference> <build context directory> <base image>
 *   thirdparty <reference>      (loaded into the cluster when present locally, else pulled by the nodes)
 */
import { loadConfig } from '../stacks/config';
import { PROJECT_IMAGE_NAMES, buildContextDir, projectImageRef } from '../constructs/images';

const config = loadConfig();
// The same base images the Docker target builds the project images from.
const base = { flink: config.images.flinkBase, injector: config.images.node, dashboard: config.images.node } as const;
const lines = [
  `namespace ${config.kubernetes.namespace}`,
  ...PROJECT_IMAGE_NAMES.map((name) => `image ${projectImageRef(name, config.kubernetes.imageRegistry)} ${buildContextDir(name)} ${base[name]}`),
  ...[config.images.kafka, config.images.postgres, config.images.flinkOperator].map((ref) => `thirdparty ${ref}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
