/**
 * The set-up steps the commands share, each installing or starting what is missing and skipping what
 * is there (scripts/lib/setup.sh has the rule each artefact follows), and the effective configuration
 * a stack is then deployed with.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_IMAGE_NAMES } from '../../constructs/images';
import { buildImageContext } from '../build-images';
import { userConfigFile, writeEffectiveConfig } from '../effective-config';
import { LOCAL_DIR, fail } from './cli';
import { setUp } from './toolchain';

/** Where set-up keeps what outlives a checkout (Go builds, the Maven repository, image choices). */
export const cacheRoot = (): string => process.env.LEADERBOARD_CACHE || join(homedir(), '.cache', 'leaderboard-stack');
/** The stand-in images chosen for this checkout's stacks (empty file: the official ones). */
export const STANDIN_CHOICE = join(LOCAL_DIR, 'standin-images.txt');
/** The Flink Kubernetes Operator's image and chart obtained for this checkout's stacks. */
export const OPERATOR_SETTINGS = join(LOCAL_DIR, 'flink-operator.txt');
/** The kubeconfig and context of the kind cluster `kind:up` deployed STACK to. */
export const kindClusterSettings = (stack: string): string => join(LOCAL_DIR, `kind-cluster.${stack}.txt`);

/** OpenTofu (or Terraform) and the providers for cdktf; offline built once into the cache. */
export const ensureTofu = (): Promise<number> => setUp(['ensure_tofu']);
/** JDK 17 and Maven, which build the SQL runner and fetch the Flink connectors. */
export const ensureBuildTools = (): Promise<number> => setUp(['ensure_build_tools']);
/** A Docker engine that answers; installed and started where this machine allows. */
export const ensureDockerEngine = (): Promise<number> => setUp(['ensure_docker_engine']);
/** The third-party images: official ones, else stand-ins built offline (their names in `choice`). */
export const ensureImages = (choice: string): Promise<number> => setUp(['ensure_images', choice]);

/** The operator for a Kubernetes stack; its absence ends the command with how to provide it. */
export async function obtainFlinkOperator(): Promise<void> {
  const status = await setUp(['obtain', 'flink_operator', OPERATOR_SETTINGS], [0, 3]);
  if (status === 3) fail('the Kubernetes stacks need the Flink Kubernetes Operator; the line above says how to provide it');
}

export interface KindTools {
  readonly kind: string;
  readonly kubectl: string;
  /** Empty for kind's own default node image. */
  readonly nodeImage: string;
}

/** kind, kubectl and a node image (official ones online, else built offline), linked into .leaderboard/bin. */
export async function ensureKind(): Promise<KindTools> {
  await setUp(['ensure_kind']);
  return { kind: process.env.KIND ?? 'kind', kubectl: process.env.KUBECTL ?? 'kubectl', nodeImage: process.env.KIND_NODE_IMAGE ?? '' };
}

/**
 * The user's configuration file, checked before anything else (a missing one ends the command) and
 * made absolute in LEADERBOARD_CONFIG for the set-up, which reads the images it names.
 */
export function userConfig(): string | undefined {
  let file: string | undefined;
  try {
    file = userConfigFile();
  } catch (err) {
    return fail((err as Error).message);
  }
  if (file) process.env.LEADERBOARD_CONFIG = file;
  return file;
}

/** The project images' build contexts (npm run build:images), which synthesis and the image builds read. */
export async function projectImageContexts(): Promise<void> {
  try {
    for (const name of PROJECT_IMAGE_NAMES) await buildImageContext(name);
  } catch (err) {
    fail(`preparing the project image contexts failed (npm run build:images): ${(err as Error).message}`);
  }
}

/**
 * Writes the configuration `stack` is deployed with (the user's file and the settings the set-up
 * obtained, for what it leaves unset) and points LEADERBOARD_CONFIG at it, so deploy, destroy and
 * status synthesize the same stack.
 */
export function useEffectiveConfig(stack: string, userFile: string | undefined, settingsFiles: readonly string[]): void {
  const out = join(LOCAL_DIR, `config.${stack}.json`);
  try {
    writeEffectiveConfig(out, userFile, [STANDIN_CHOICE, ...settingsFiles]);
  } catch (err) {
    fail(`cannot write the effective configuration ${out}: ${(err as Error).message}`);
  }
  process.env.LEADERBOARD_CONFIG = out;
}
