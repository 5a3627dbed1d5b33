/** HTTP routes: the page, the JSON snapshot, the push stream and the health check. */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { LeaderboardStore } from './board-state';
import { PageAssets } from './bundle';
import { Logger } from './log';
import { PipelineWatch } from './pipeline-watch';
import { PushHub, sseFrame } from './push-hub';
import { LeaderboardSource } from './sources/source';

/** Scripts, styles and data only from this origin; nothing inline, nothing from the internet. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const STATIC: Record<string, { file: keyof PageAssets; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export interface RouteDeps {
  store: LeaderboardStore;
  hub: PushHub;
  source: LeaderboardSource;
  /** Absent where the dashboard is not given Flink's REST API. */
  pipeline?: PipelineWatch;
  assets: PageAssets;
  logger: Logger;
}

/** The body of /api/leaderboards and of the stream's first event. */
export function snapshotBody(deps: Pick<RouteDeps, 'store' | 'source' | 'pipeline'>): unknown {
  const { loaded, updatedAt, boards } = deps.store.snapshot();
  return { loaded, updatedAt, source: deps.source.status(), pipeline: deps.pipeline?.status() ?? null, boards, stats: deps.store.stats };
}

export function createHttpServer(deps: RouteDeps): Server {
  return createServer((req, res) => {
    try {
      route(deps, req, res);
    } catch (err) {
      deps.logger.error('request failed', { url: req.url, error: String(err) });
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    }
  });
}

function route(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'application/json', JSON.stringify({ error: `method ${req.method} not allowed` }));
    return;
  }
  const asset = STATIC[path];
  if (asset !== undefined) {
    send(res, 200, asset.type, deps.assets[asset.file], req.method === 'HEAD', path === '/' || path === '/index.html' ? 'no-cache' : 'no-cache, max-age=0');
    return;
  }
  switch (path) {
    case '/api/leaderboards':
      send(res, 200, 'application/json', JSON.stringify(snapshotBody(deps)), req.method === 'HEAD');
      return;
    case '/api/stream':
      if (req.method === 'HEAD') {
        send(res, 200, 'text/event-stream; charset=utf-8', '', true);
        return;
      }
      switch (deps.hub.add(res, sseFrame('snapshot', snapshotBody(deps)))) {
        case 'full':
          res.setHeader('Retry-After', '5');
          send(res, 503, 'application/json', JSON.stringify({ error: 'too many push clients' }));
          break;
        case 'address':
          res.setHeader('Retry-After', '5');
          send(res, 429, 'application/json', JSON.stringify({ error: 'too many push clients from this address' }));
          break;
      }
      return;
    // Alive: the process serves. Kubernetes restarts it only when this fails; /healthz is for readiness.
    case '/livez':
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }), req.method === 'HEAD');
      return;
    case '/healthz': {
      const status = deps.source.status();
      const pipeline = deps.pipeline?.status() ?? null;
      // Jobs that do not run freeze the boards but leave the page able to say so: degraded, still 200,
      // so an orchestrator keeps serving it rather than taking it away when it matters most.
      const body = !status.up
        ? { status: 'unavailable', down: status.component, source: status, pipeline }
        : pipeline !== null && pipeline.state !== 'running'
          ? { status: 'degraded', down: 'flink', source: status, pipeline }
          : { status: 'ok', source: status, pipeline };
      send(res, status.up ? 200 : 503, 'application/json', JSON.stringify(body), req.method === 'HEAD');
      return;
    }
    default:
      send(res, 404, 'application/json', JSON.stringify({ error: `no route ${path}` }));
  }
}

function send(res: ServerResponse, code: number, type: string, body: string | Buffer, headOnly = false, cache = 'no-store'): void {
  res.writeHead(code, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': cache, 'Content-Length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
