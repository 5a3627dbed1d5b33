/** Routes and headers of the service, with a source that cannot connect (no server needed). */
import { RunningDashboard } from '../src/dashboard';
import { SseReader, runDashboard } from './helpers';

describe('dashboard HTTP routes', () => {
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    dashboard = await runDashboard(['--source', 'kafka', '--kafka-bootstrap-servers', '127.0.0.1:1', '--max-clients', '3', '--max-clients-per-address', '2']);
  }, 60_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  it('serves the page with a strict content security policy', async () => {
    const res = await fetch(`${dashboard.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${dashboard.url}/assets/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 503 on /healthz naming kafka while the broker is unreachable', async () => {
    const res = await fetch(`${dashboard.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', down: 'kafka', source: { up: false, target: '127.0.0.1:1' } });
  });

  it('answers 200 on /livez while its sources are down: alive, only not ready', async () => {
    const res = await fetch(`${dashboard.url}/livez`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves an empty snapshot before any data', async () => {
    const body = await (await fetch(`${dashboard.url}/api/leaderboards`)).json();
    expect(body.updatedAt).toBeNull();
    expect(body.loaded).toBe(false);
    expect(Object.keys(body.boards)).toEqual(['top_teams', 'top_players', 'hot_streaks', 'team_mvps', 'suspected_bots']);
    expect(body.boards.top_teams).toMatchObject({ title: 'Top Teams', rows: [], consistent: true });
  });

  it('opens push streams with a snapshot, up to --max-clients-per-address from one address and --max-clients in all', async () => {
    // Connections from another loopback address count as another client.
    const a = await SseReader.open(`${dashboard.url}/api/stream`);
    const b = await SseReader.open(`${dashboard.url}/api/stream`);
    let c: SseReader | undefined;
    try {
      const first = await a.next((e) => e.event === 'snapshot', 5_000);
      expect(first.data).toMatchObject({ source: { kind: 'kafka' } });
      await expect(SseReader.open(`${dashboard.url}/api/stream`)).rejects.toThrow('stream answered 429');
      c = await SseReader.open(`${dashboard.url}/api/stream`, '127.0.0.2');
      await expect(SseReader.open(`${dashboard.url}/api/stream`, '127.0.0.3')).rejects.toThrow('stream answered 503');
    } finally {
      a.close();
      b.close();
      c?.close();
    }
    // A closed stream frees its address's slot.
    await new Promise((r) => setTimeout(r, 200));
    const again = await SseReader.open(`${dashboard.url}/api/stream`);
    again.close();
  });

  it('refuses other methods and unknown paths', async () => {
    const post = await fetch(`${dashboard.url}/api/leaderboards`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${dashboard.url}/nope`)).status).toBe(404);
    expect((await fetch(`${dashboard.url}/api/stream`, { method: 'HEAD' })).status).toBe(200);
  });
});
