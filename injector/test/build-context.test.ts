/** The image's build context: written idempotently, runnable bundle, base image from versions.json. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildImageContext } from '../../scripts/build-images';

const root = path.resolve(__dirname, '..', '..');
const context = path.join(root, 'build', 'images', 'injector');

describe('the injector image build context', () => {
  it('writes the Dockerfile and one bundle, unchanged on a second run', async () => {
    expect((await buildImageContext('injector')).dir).toBe(context);
    expect(await buildImageContext('injector')).toEqual({ dir: context, changed: false });
    const dockerfile = readFileSync(path.join(context, 'Dockerfile'), 'utf8');
    const versions = JSON.parse(readFileSync(path.join(root, 'versions.json'), 'utf8')) as { images: { node: string } };
    expect(dockerfile).toContain(`ARG BASE_IMAGE=${versions.images.node}\n`);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('COPY injector.js /app/injector.js');
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe('*\n!Dockerfile\n!injector.js\n');
  });

  it('the bundle runs on its own (no node_modules) and holds no machine paths', () => {
    const bundle = path.join(context, 'injector.js');
    const help = execFileSync(process.execPath, [bundle, '--help'], { cwd: '/', env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(help).toContain('--bootstrap-servers');
    const lines = execFileSync(process.execPath, [bundle, '--output', 'print', '--clock', 'synthetic', '--max-events', '3', '--log-level', 'warn'], {
      cwd: '/',
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(lines.trim().split('\n')).toHaveLength(3);
    expect(readFileSync(bundle, 'utf8')).not.toContain(root);
  });
});
