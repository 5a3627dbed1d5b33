/**
 * Serves the SQL runner jar over HTTP inside the deployment. The Kubernetes session needs it: the
 * Flink Kubernetes Operator fetches a FlinkSessionJob's jar URI itself (here over http, which its
 * configuration allows) and uploads the jar to the session cluster. The official Flink image has no
 * HTTP server (no python3, and JDK 17's runtime has no `jwebserver`), so an init container copies the
 * jar out of the project's Flink image into a shared empty volume and a Node image (the dashboard's)
 * serves that one file.
 */
import { Construct } from 'constructs';
import { FLINK_IMAGE } from './flink-session';
import { Endpoint, IPlatform, IService } from './platform/platform';

export interface ArtifactServerProps {
  readonly platform: IPlatform;
  /** The project's Flink image, holding the runner jar. */
  readonly flinkImage: string;
  /** An image with `node` on its PATH. */
  readonly nodeImage: string;
}

const NAME = 'flink-artifacts';
const PORT = 8080;
const DIR = '/srv/artifacts';
const NODE_UID = '1000';

/**
 * A static server for exactly one file: GET and HEAD of `/<file>`, 404 for anything else, one JSON
 * log line per request on stderr.
 */
export function fileServerScript(dir: string, file: string, port: number): string {
  return [
    "const http = require('node:http'), fs = require('node:fs'), path = require('node:path');",
    `const file = path.join(${JSON.stringify(dir)}, ${JSON.stringify(file)});`,
    "const log = (msg, extra) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'flink-artifacts', msg, ...extra }) + '\\n');",
    'http.createServer((req, res) => {',
    `  if (req.url !== ${JSON.stringify(`/${file}`)} || (req.method !== 'GET' && req.method !== 'HEAD')) { res.writeHead(404).end(); log('not found', { url: req.url }); return; }`,
    '  fs.stat(file, (err, st) => {',
    "    if (err) { res.writeHead(503).end(); log('jar missing', { error: err.message }); return; }",
    "    res.writeHead(200, { 'content-type': 'application/java-archive', 'content-length': st.size });",
    "    if (req.method === 'HEAD') { res.end(); return; }",
    "    fs.createReadStream(file).pipe(res); log('served', { url: req.url, bytes: st.size });",
    '  });',
    `}).listen(${port}, '0.0.0.0', () => log('listening', { port: ${port}, file }));`,
  ].join('\n');
}

export class ArtifactServer extends Construct {
  readonly service: IService;
  readonly endpoint: Endpoint;
  /** Path of the runner jar on the server. */
  readonly runnerJarPath: string;

  constructor(scope: Construct, id: string, props: ArtifactServerProps) {
    super(scope, id);
    const jar = FLINK_IMAGE.runnerJar.split('/').pop()!;
    this.runnerJarPath = `/${jar}`;
    this.service = props.platform.addService(this, {
      name: NAME,
      // The jar server exists only to hand the submission its artifact.
      component: 'submitter',
      image: props.nodeImage,
      user: NODE_UID,
      entrypoint: ['node', '-e', fileServerScript(DIR, jar, PORT)],
      ports: [{ name: 'http', containerPort: PORT }],
      scratchVolumes: [{ name: 'artifacts', mountPath: DIR }],
      init: { name: 'copy-runner-jar', image: props.flinkImage, command: ['cp', FLINK_IMAGE.runnerJar, `${DIR}/${jar}`] },
      health: {
        command: [
          'node',
          '-e',
          `fetch('http://127.0.0.1:${PORT}/${jar}', { method: 'HEAD' }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        intervalSec: 5,
        retries: 24,
      },
      resources: { cpuMillis: 50, memoryMiB: 128 },
    });
    this.endpoint = this.service.endpoint();
  }
}
