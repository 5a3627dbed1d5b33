/**
 * The image's build context: the image build step writes it idempotently, and the server bundle runs on its
 * own, copied away from the repository's node_modules, serving the prebuilt page.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildImageContext } from '../../scripts/build-images';
import { freePorts } from '../../test-support/kafka';
import { eventually } from './helpers';

const root = resolve(__dirname, '..', '..');
const context = join(root, 'build', 'images', 'dashboard');

describe('dashboard build context', () => {
  let copy: string;

  beforeAll(async () => {
    await buildImageContext('dashboard');
    copy = mkdtempSync(join(tmpdir(), 'dashboard-image-'));
    cpSync(context, copy, { recursive: true });
  }, 180_000);

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('holds the Dockerfile, the server bundle and the page, and is unchanged by a second run', async () => {
    for (const file of ['Dockerfile', '.dockerignore', 'server.js', 'public/index.html', 'public/app.js', 'public/style.css']) {
      expect(existsSync(join(context, file))).toBe(true);
    }
    expect(readFileSync(join(context, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    expect(await buildImageContext('dashboard')).toEqual({ dir: context, changed: false });
  }, 180_000);

  it('runs without the repository and serves the prebuilt page', async () => {
    const [port] = await freePorts(1);
    const child = spawn(process.execPath, [join(copy, 'server.js'), '--port', String(port), '--source', 'kafka', '--kafka-bootstrap-servers', '127.0.0.1:1'], {
      cwd: copy,
      env: { PATH: process.env.PATH, NODE_PATH: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const page = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        return res.status === 200 ? res.text() : undefined;
      }, 30_000, 'the bundled server to answer');
      expect(page).toContain('<script defer src="/assets/app.js"></script>');
      const script = await fetch(`http://127.0.0.1:${port}/assets/app.js`);
      expect(await script.text()).toBe(readFileSync(join(copy, 'public', 'app.js'), 'utf8'));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ down: 'kafka' });
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
