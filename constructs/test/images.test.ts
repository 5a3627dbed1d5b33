import { Image } from '@cdktf/provider-docker/lib/image';
import { version } from '../../package.json';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerProjectImages, PROJECT_IMAGE_NAMES, buildContextDir, missingBuildContexts, projectImageBases, projectImageRef } from '../images';
import { synthOnDocker } from '../../test-support/constructs';
import { tempDir } from '../../test-support/temp-dirs';

describe('DockerProjectImages', () => {
  const baseImages = projectImageBases({ flink: 'flink:base', node: 'node:base' });

  it('builds Flink on Flink\'s image and the TypeScript services on Node\'s', () => {
    expect(baseImages).toEqual({ flink: 'flink:base', injector: 'node:base', dashboard: 'node:base', 'schema-registry': 'node:base' });
  });

  it('builds each project image from its context with its base image, tagged with the package version', () => {
    let images: DockerProjectImages | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      images = new DockerProjectImages(scope, 'images', { platform, baseImages });
    });
    for (const name of PROJECT_IMAGE_NAMES) {
      const ref = `leaderboard-stack/${name}:${version}`;
      expect(images!.refs[name]).toBe(ref);
      expect(synthesized).toHaveResourceWithProperties(Image, {
        name: ref,
        build: { context: buildContextDir(name), build_args: { BASE_IMAGE: baseImages[name] }, tag: [ref] },
        // The digest of the context: a changed context rebuilds the image on the next deploy.
        triggers: { context: expect.stringMatching(/^([0-9a-f]{64}|missing)$/), base: baseImages[name] },
        keep_locally: true,
      });
    }
  });

  it('lets services name the built images, so no other image is pulled for them', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const { refs } = new DockerProjectImages(scope, 'images', { platform, baseImages });
      platform.addService(scope, { name: 'dashboard', component: 'dashboard', image: refs.dashboard, user: '1000', resources: { cpuMillis: 1, memoryMiB: 1 } });
    });
    expect(Object.keys(JSON.parse(synthesized).resource.docker_image)).toHaveLength(PROJECT_IMAGE_NAMES.length);
  });
});

describe('projectImageRef', () => {
  it('puts a registry prefix in front', () => {
    expect(projectImageRef('flink', 'localhost:5001/')).toBe(`localhost:5001/leaderboard-stack/flink:${version}`);
  });
});

describe('missingBuildContexts', () => {
  it('names each image whose context has no Dockerfile (a directory alone is a half-made context)', () => {
    const root = tempDir('contexts');
    const dir = (name: string): string => join(root, name);
    expect(missingBuildContexts(dir)).toEqual(['flink', 'injector', 'dashboard', 'schema-registry']);
    mkdirSync(dir('injector'));
    writeFileSync(join(dir('injector'), 'Dockerfile'), 'FROM scratch\n');
    mkdirSync(dir('dashboard'));
    expect(missingBuildContexts(dir)).toEqual(['flink', 'dashboard', 'schema-registry']);
  });
});
