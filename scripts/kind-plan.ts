/**
 * What `npm run kind:up` and scripts/kind-smoke.sh need from the stack configuration (the file named
 * by LEADERBOARD_CONFIG, or the defaults), so the commands and the stacks cannot drift. Run as a
 * script it prints one item per line:
 *
 *   namespace <namespace>
 *   image <reference> <build context directory> <base image>
 *   thirdparty <reference>      (loaded into the cluster when present locally, else pulled by the nodes)
 */
import { LeaderboardConfig, loadConfig } from '../stacks/config';
import { PROJECT_IMAGE_NAMES, buildContextDir, projectImageBases, projectImageRef } from '../constructs/images';

export interface KindPlan {
  readonly namespace: string;
  /** The project images: built from their contexts, then loaded into the cluster. */
  readonly images: readonly { readonly ref: string; readonly context: string; readonly base: string }[];
  readonly thirdParty: readonly string[];
}

export function kindPlan(config: LeaderboardConfig = loadConfig()): KindPlan {
  // The same base images the Docker target builds the project images from.
  const base = projectImageBases({ flink: config.images.flinkBase, node: config.images.node });
  return {
    namespace: config.kubernetes.namespace,
    images: PROJECT_IMAGE_NAMES.map((name) => ({ ref: projectImageRef(name, config.kubernetes.imageRegistry), context: buildContextDir(name), base: base[name] })),
    thirdParty: [config.images.kafka, config.images.postgres, config.images.flinkOperator],
  };
}

if (require.main === module) {
  const p = kindPlan();
  const lines = [
    `namespace ${p.namespace}`,
    ...p.images.map((i) => `image ${i.ref} ${i.context} ${i.base}`),
    ...p.thirdParty.map((ref) => `thirdparty ${ref}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
