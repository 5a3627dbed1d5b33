import { ConfigError } from './config';
import { buildApp } from './app';

try {
  buildApp().synth();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`leaderboard-stack: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
