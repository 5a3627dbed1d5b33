/** The image's build context: written idempotently, runnable bundle, base image from versions.json. */
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
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
    expect(dockerfile).toContain('COPY injector.js user-score.avsc /app/');
    expect(readFileSync(path.join(context, '.dockerignore'), 'utf8')).toBe('*\n!Dockerfile\n!injector.js\n!user-score.avsc\n');
    expect(readFileSync(path.join(context, 'user-score.avsc'), 'utf8')).toBe(readFileSync(path.join(root, 'common', 'contract', 'user-score.avsc'), 'utf8'));
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

  it('the bundle sends the Avro event schema it ships to the registry, and stops in one line on a refusal', async () => {
    const posted: { url?: string; body?: string } = {};
    const registry = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        Object.assign(posted, { url: req.url, body });
        res.writeHead(409, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }).end(JSON.stringify({ error_code: 409, message: 'Schema being registered is incompatible' }));
      });
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
      const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
        execFile(process.execPath, [path.join(context, 'injector.js'), '--format', 'avro', '--schema-registry-url', url, '--topic', 'games'], { cwd: '/', env: { PATH: process.env.PATH } }, (err, _out, stderr) =>
          done({ code: err ? (err.code as number) : 0, stderr }),
        );
      });
      expect(posted.url).toBe('/subjects/games-value/versions');
      expect(JSON.parse(posted.body!)).toEqual({ schema: readFileSync(path.join(root, 'common', 'contract', 'user-score.avsc'), 'utf8') });
      expect(run.code).toBe(1);
      const errors = run.stderr.split('\n').filter((l) => l.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('the schema registry refused the event schema for subject games-value (HTTP 409: Schema being registered is incompatible)');
    } finally {
      registry.close();
    }
  });
});
