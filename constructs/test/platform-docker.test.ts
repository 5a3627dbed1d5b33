import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing } from 'cdktf';
import { DockerPlatform } from '../platform/docker';
import { ServiceSpec, endpoint } from '../platform/platform';
import { TEST_STACK, fakeSecret, synthOnDocker } from '../../test-support/constructs';

const spec: ServiceSpec = {
  name: 'web',
  component: 'dashboard',
  image: 'example/web:1',
  user: '1000',
  resources: { cpuMillis: 100, memoryMiB: 256 },
};

const label = (name: string, value: string) => ({ label: name, value });

describe('DockerPlatform', () => {
  it('makes one stack network, and one container per service on it, named and labelled for the stack', () => {
    const synthesized = synthOnDocker((scope, platform) => platform.addService(scope, spec));
    expect(synthesized).toHaveResourceWithProperties(Network, { name: `${TEST_STACK}-net`, labels: [label('leaderboard.stack', TEST_STACK)] });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-web`,
      hostname: 'web',
      user: '1000',
      memory: 256,
      memory_swap: 256,
      labels: [label('leaderboard.stack', TEST_STACK), label('leaderboard.component', 'dashboard')],
      networks_advanced: [expect.objectContaining({ aliases: ['web'] })],
      restart: 'unless-stopped',
      must_run: true,
    });
  });

  it('passes env and secrets as environment, secrets as their value token', () => {
    const synthesized = synthOnDocker((scope, platform) =>
      platform.addService(scope, { ...spec, env: { A: '1' }, secretEnv: { PASSWORD: fakeSecret('p') } }),
    );
    expect(synthesized).toHaveResourceWithProperties(Container, { env: ['A=1', 'PASSWORD=secret:p'] });
  });

  it('publishes only the ports that ask for it, on their bind address', () => {
    const synthesized = synthOnDocker((scope, platform) =>
      platform.addService(scope, {
        ...spec,
        ports: [
          { name: 'private', containerPort: 9000 },
          { name: 'http', containerPort: 8080, publish: { hostPort: 18080, bindAddress: '127.0.0.2' } },
        ],
      }),
    );
    expect(synthesized).toHaveResourceWithProperties(Container, { ports: [{ internal: 8080, external: 18080, ip: '127.0.0.2' }] });
  });

  it('keeps volumes as named, labelled Docker volumes shared by name', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      platform.addService(scope, { ...spec, volumes: [{ name: 'data', mountPath: '/data' }] });
      platform.addService(scope, { ...spec, name: 'reader', volumes: [{ name: 'data', mountPath: '/in' }] });
    });
    expect(synthesized).toHaveResourceWithProperties(Volume, { name: `${TEST_STACK}-data`, labels: [label('leaderboard.stack', TEST_STACK)] });
    expect(Object.keys(JSON.parse(synthesized).resource.docker_volume)).toHaveLength(1);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-reader`,
      volumes: [{ volume_name: expect.stringMatching(/^\$\{docker_volume\.platform_volume-data_\w+\.name\}$/), container_path: '/in' }],
    });
  });

  it('uploads files with Terraform template syntax escaped, so `${VAR}` reaches the container literally', () => {
    const synthesized = synthOnDocker((scope, platform) =>
      platform.addService(scope, { ...spec, files: [{ path: '/run.sh', content: 'echo ${HOME} %{x}', executable: true }] }),
    );
    expect(synthesized).toHaveResourceWithProperties(Container, { upload: [{ file: '/run.sh', content: 'echo $${HOME} %%{x}', executable: true }] });
  });

  it('health-checks with the command, with defaults for what is unset', () => {
    const synthesized = synthOnDocker((scope, platform) => platform.addService(scope, { ...spec, health: { command: ['true'], retries: 3 } }));
    expect(synthesized).toHaveResourceWithProperties(Container, {
      healthcheck: { test: ['CMD', 'true'], interval: '5s', timeout: '5s', retries: 3, start_period: '5s' },
      wait: true,
    });
  });

  it('runs a task once, attached, failing the deploy when it fails; a batch in the background', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      platform.addService(scope, { ...spec, name: 'task', lifecycle: 'task' });
      platform.addService(scope, { ...spec, name: 'batch', lifecycle: 'batch' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-task`,
      restart: 'no',
      must_run: false,
      attach: true,
      logs: true,
      wait: false,
      lifecycle: { postcondition: [{ condition: '${self.exit_code == 0}', error_message: `task failed: see docker logs ${TEST_STACK}-task` }] },
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-batch`, restart: 'on-failure', must_run: false, attach: false });
  });

  it('orders a service after those it depends on', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const first = platform.addService(scope, { ...spec, name: 'first' });
      platform.addService(scope, { ...spec, name: 'second', dependsOn: [first] });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-second`, depends_on: ['docker_container.first'] });
  });

  it('pulls each image once, or uses one the stack builds', () => {
    const synthesized = Testing.synthScope((scope) => {
      const platform = new DockerPlatform(scope, 'platform', { stackName: TEST_STACK });
      platform.registerBuiltImage('built:1', new Image(scope, 'built', { name: 'built:1' }));
      platform.addService(scope, spec);
      platform.addService(scope, { ...spec, name: 'again' });
      platform.addService(scope, { ...spec, name: 'own', image: 'built:1' });
    });
    const images = Object.values(JSON.parse(synthesized).resource.docker_image as Record<string, { name: string }>).map((i) => i.name);
    expect(images.sort()).toEqual(['built:1', 'example/web:1']);
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-own`, image: '${docker_image.built.image_id}' });
  });

  it('accepts connections to services of the stack only: they share its one network', () => {
    expect(() => synthOnDocker((scope, platform) => {
      const db = platform.addService(scope, { ...spec, name: 'db', ports: [{ name: 'sql', containerPort: 5432 }] });
      platform.addService(scope, { ...spec, connectsTo: [db.endpoint()] });
    })).not.toThrow();
    expect(() => synthOnDocker((scope, platform) => {
      platform.addService(scope, { ...spec, connectsTo: [endpoint('elsewhere', 5432)] });
    })).toThrow("service 'web' connects to 'elsewhere:5432', which is not a service of this stack");
  });

  it('fills scratch volumes with an init container that must succeed before the service starts', () => {
    const synthesized = synthOnDocker((scope, platform) =>
      platform.addService(scope, {
        ...spec,
        scratchVolumes: [{ name: 'cache', mountPath: '/cache' }],
        init: { name: 'fill', image: 'example/tools:1', command: ['cp', '/x', '/cache/x'] },
      }),
    );
    const scratch = { volume_name: expect.stringMatching(/^\$\{docker_volume\.platform_volume-web-cache_\w+\.name\}$/), container_path: '/cache' };
    expect(synthesized).toHaveResourceWithProperties(Volume, { name: `${TEST_STACK}-web-cache` });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-web-fill`,
      entrypoint: ['cp', '/x', '/cache/x'],
      user: '1000',
      volumes: [scratch],
      restart: 'no',
      attach: true,
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.exit_code == 0}' })] },
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-web`,
      volumes: [scratch],
      depends_on: ['docker_container.web-fill'],
    });
  });
});
