/**
 * The project's own images (Flink with connectors and the SQL runner, the injector, the dashboard).
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

export type ProjectImageName = 'flink' | 'injector' | 'dashboard';

export const PROJECT_IMAGE_NAMES: readonly ProjectImageName[] = ['flink', 'injector', 'dashboard'];

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

export interface DockerProjectImagesProps {
  readonly platform: DockerPlatform;
  /** Base image of each project image (build arg `BASE_IMAGE`). */
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
