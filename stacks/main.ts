import { missingBuildContexts } from '../constructs/images';
import { ConfigError } from './config';
import { buildApp } from './app';

/**
 * Without the image contexts a deploy would fail late, inside the image build; `npm run destroy`
 * sets LEADERBOARD_IMAGE_CONTEXTS=optional, since removing a stack builds nothing.
 */
const missing = process.env.LEADERBOARD_IMAGE_CONTEXTS === 'optional' ? [] : missingBuildContexts();
if (missing.length > 0) {
  process.stderr.write(`leaderboard-stack: no build context for the ${missing.join(', ')} image under build/images/: run \`npm run build:images\` first (npm run deploy and npm run kind:up do)\n`);
  process.exit(2);
}

try {
  buildApp().synth();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`leaderboard-stack: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
