/** Entry point: `npm run --silent dashboard -- [flags]`, and the container's command. */
import { loadPageAssets } from './assets';
import { ConfigError, parseConfig, usage } from './config';
import { startDashboard } from './dashboard';
import { createLogger, errorMessage } from './log';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dashboard: ${err.message}\n`);
    process.exit(2);
  }
  if (config === undefined) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const logger = createLogger(config.logLevel);
  const dashboard = await startDashboard(config, await loadPageAssets(), logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    void dashboard.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', component: 'dashboard', msg: 'fatal', error: errorMessage(err) })}\n`);
  process.exit(1);
});
