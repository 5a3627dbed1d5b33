import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Testing } from 'cdktf';
import versions from '../../versions.json';
import { DockerFlinkSession } from '../docker/flink-session';
import { DockerTarget } from '../docker/target';
import { projectImageRef } from '../images';

const props = { stackName: 'test', flinkBaseImage: 'flink:base', nodeImage: 'node:base' };

describe('DockerTarget', () => {
  it('configures the Docker and random providers with the version ranges versions.json admits', () => {
    const synthesized = Testing.synthScope((scope) => {
      new DockerTarget(scope, 'docker', { ...props, dockerHost: 'unix:///run/test.sock' });
    });
    expect(synthesized).toHaveProviderWithProperties(DockerProvider, { host: 'unix:///run/test.sock' });
    expect(synthesized).toHaveProvider(RandomProvider);
    expect(JSON.parse(synthesized).terraform.required_providers).toEqual({
      docker: { source: 'kreuzwerker/docker', version: versions.providers['kreuzwerker/docker'].constraint },
      random: { source: 'hashicorp/random', version: versions.providers['hashicorp/random'].constraint },
    });
  });

  it('builds the project images, Flink on the Flink base and the Node services on the Node base', () => {
    let target: DockerTarget | undefined;
    const synthesized = Testing.synthScope((scope) => {
      target = new DockerTarget(scope, 'docker', props);
    });
    expect(target!.images).toEqual({
      flink: projectImageRef('flink'),
      injector: projectImageRef('injector'),
      dashboard: projectImageRef('dashboard'),
      'schema-registry': projectImageRef('schema-registry'),
    });
    expect(synthesized).toHaveResourceWithProperties(Image, { name: projectImageRef('flink'), build: expect.objectContaining({ build_args: { BASE_IMAGE: 'flink:base' } }) });
    expect(synthesized).toHaveResourceWithProperties(Image, { name: projectImageRef('injector'), build: expect.objectContaining({ build_args: { BASE_IMAGE: 'node:base' } }) });
    expect(synthesized).toHaveResourceWithProperties(Image, { name: projectImageRef('dashboard'), build: expect.objectContaining({ build_args: { BASE_IMAGE: 'node:base' } }) });
    expect(synthesized).toHaveResourceWithProperties(Image, { name: projectImageRef('schema-registry'), build: expect.objectContaining({ build_args: { BASE_IMAGE: 'node:base' } }) });
  });

  it('makes the Flink session as JobManager, TaskManager and submitter containers of the stack', () => {
    let session: unknown;
    const synthesized = Testing.synthScope((scope) => {
      const target = new DockerTarget(scope, 'docker', props);
      session = target.createFlinkSession(scope, 'flink', { image: target.images.flink, jobs: [], jobSecretEnv: {}, jobDependencies: [], jobConnections: [] });
    });
    expect(session).toBeInstanceOf(DockerFlinkSession);
    for (const name of ['jobmanager', 'taskmanager', 'submitter']) {
      expect(synthesized).toHaveResourceWithProperties(Container, { name: `test-${name}`, image: expect.stringMatching(/^\$\{docker_image\.docker_images_flink_\w+\.image_id\}$/) });
    }
  });
});
