/** The jar server: its script run for real with node on loopback, and the construct. */
import { Container } from '@cdktf/provider-docker/lib/container';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLINK_IMAGE } from '../flink-session';
import { ArtifactServer, fileServerScript } from '../artifact-server';
import { TEST_STACK, synthOnDocker } from '../../test-support/constructs';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

describe('flink-artifacts file server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
  const jar = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 70_000 }, (_, i) => i % 251)]);
  let server: ChildProcess;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'runner.jar'), jar);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The script listens on all interfaces in the pod; here the test reaches it on loopback only.
    server = spawn(process.execPath, ['-e', fileServerScript(dir, 'runner.jar', port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    const deadline = Date.now() + 10_000;
    while (!logs.join('').includes('"listening"')) {
      if (Date.now() > deadline) throw new Error(`server did not start: ${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(() => {
    server.kill();
  });

  it('serves the jar byte for byte', async () => {
    const res = await fetch(`${base}/runner.jar`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/java-archive');
    expect(Buffer.from(await res.arrayBuffer()).equals(jar)).toBe(true);
  });

  it('answers HEAD with the length, as the health probe uses it', async () => {
    const res = await fetch(`${base}/runner.jar`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(jar.length));
  });

  it('serves nothing else', async () => {
    for (const path of ['/', '/other.jar', '/runner.jar/x', '/usrlib/runner.jar']) {
      expect({ path, status: (await fetch(`${base}${path}`)).status }).toEqual({ path, status: 404 });
    }
    expect((await fetch(`${base}/runner.jar`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('logs JSON lines', () => {
    const lines = logs.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual(expect.objectContaining({ level: 'info', component: 'flink-artifacts', msg: 'listening' }));
    expect(lines.some((l) => l.msg === 'served' && l.bytes === jar.length)).toBe(true);
  });
});

describe('ArtifactServer', () => {
  it('copies the jar out of the Flink image before serving it with node, on any platform', () => {
    let server: ArtifactServer | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      server = new ArtifactServer(scope, 'artifacts', { platform, flinkImage: 'example/flink:1', nodeImage: 'example/node:1' });
    });
    const jar = FLINK_IMAGE.runnerJar.split('/').pop();
    expect(server!.endpoint.address).toBe('flink-artifacts:8080');
    expect(server!.runnerJarPath).toBe(`/${jar}`);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-flink-artifacts-copy-runner-jar`,
      entrypoint: ['cp', FLINK_IMAGE.runnerJar, `/srv/artifacts/${jar}`],
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-flink-artifacts`,
      user: '1000',
      entrypoint: ['node', '-e', expect.stringContaining(`/${jar}`)],
    });
  });
});
