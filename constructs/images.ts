/**
 * The project's own images (Flink with connectors and the SQL runner, the injector, the dashboard,
 * the schema registry).
 * Their build contexts are prepared by `npm run build:images` under `build/images/<name>/`, so the
 * image builds themselves need no network.
 */
import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version } from '../package.json';
import { DockerPlatform } from './platform/docker';

export type ProjectImageName = 'flink' | 'injector' | 'dashboard' | 'schema-registry';

export const PROJECT_IMAGE_NAMES: readonly ProjectImageName[] = ['flink', 'injector', 'dashboard', 'schema-registry'];

/** The base each project image is built on: Flink's image, or Node's. */
export const PROJECT_IMAGE_BASES: Readonly<Record<ProjectImageName, 'flink' | 'node'>> = {
  flink: 'flink',
  injector: 'node',
  dashboard: 'node',
  'schema-registry': 'node',
};

/** Image references of the project images, as the services name them. */
export type ProjectImageRefs = Readonly<Record<ProjectImageName, string>>;

/** Where `npm run build:images` writes the build context of an image. */
export const buildContextDir = (name: ProjectImageName): string => resolve(__dirname, '..', 'build', 'images', name);

/** The project images whose build context (its Dockerfile) `npm run build:images` has not written. */
export const missingBuildContexts = (contextDir: (name: ProjectImageName) => string = buildContextDir): ProjectImageName[] =>
  PROJECT_IMAGE_NAMES.filter((name) => !existsSync(join(contextDir(name), 'Dockerfile')));

/** `leaderboard-stack/<name>:<package version>`, optionally behind a registry prefix. */
export const projectImageRef = (name: ProjectImageName, registry = ''): string => `${registry}leaderboard-stack/${name}:${version}`;

/** A digest of a build context, so a changed context rebuilds the image on the next deploy. */
function contextDigest(dir: string): string {
  if (!existsSync(dir)) return 'missing';
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path.slice(dir.length)}\0`).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Each project image's base (build arg `BASE_IMAGE`), given the Flink and Node images to use. */
export const projectImageBases = (bases: Readonly<Record<'flink' | 'node', string>>): Readonly<Record<ProjectImageName, string>> =>
  Object.fromEntries(PROJECT_IMAGE_NAMES.map((name) => [name, bases[PROJECT_IMAGE_BASES[name]]])) as Record<ProjectImageName, string>;

export interface DockerProjectImagesProps {
  readonly platform: DockerPlatform;
  /** Base image of each project image (build arg `BASE_IMAGE`): projectImageBases. */
  readonly baseImages: Readonly<Record<ProjectImageName, string>>;
}

/** Builds the project images on the local Docker engine during deploy. */
export class DockerProjectImages extends Construct {
  readonly refs: ProjectImageRefs;

  constructor(scope: Construct, id: string, props: DockerProjectImagesProps) {
    super(scope, id);
    const refs: Partial<Record<ProjectImageName, string>> = {};
    for (const name of PROJECT_IMAGE_NAMES) {
      const ref = projectImageRef(name);
      const context = buildContextDir(name);
      const image = new Image(this, name, {
        name: ref,
        buildAttribute: { context, buildArgs: { BASE_IMAGE: props.baseImages[name] }, tag: [ref] },
        triggers: { context: contextDigest(context), base: props.baseImages[name] },
        keepLocally: true,
      });
      props.platform.registerBuiltImage(ref, image);
      refs[name] = ref;
    }
    this.refs = refs as ProjectImageRefs;
  }
}
