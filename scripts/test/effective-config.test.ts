import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test-support/temp-dirs';
import { effectiveConfig, userConfigFile } from '../effective-config';

describe('effectiveConfig', () => {
  it('fills what the user left unset from the set-up\'s settings, the user\'s own values winning', () => {
    const user = { images: { kafka: 'my/kafka:1' }, injector: { eventsPerSecond: 5 } };
    const standins = 'images.kafka=leaderboard-standin/kafka:3.9.1\nimages.postgres=leaderboard-standin/postgres:17\n';
    const kind = 'kubernetes.context=kind-leaderboard\nkubernetes.kubeconfigPath=/home/u/.kube/config\n';
    expect(effectiveConfig(user, [standins, kind])).toEqual({
      images: { kafka: 'my/kafka:1', postgres: 'leaderboard-standin/postgres:17' },
      injector: { eventsPerSecond: 5 },
      kubernetes: { context: 'kind-leaderboard', kubeconfigPath: '/home/u/.kube/config' },
    });
  });

  it('takes only images.* and kubernetes.* lines, and leaves the user\'s object alone', () => {
    const user = { kubernetes: { namespace: 'x' } };
    expect(effectiveConfig(user, ['missing=flink_operator\ninjector.enabled=false\n  images.node=n:1  \n# images.flinkBase=b'])).toEqual({
      kubernetes: { namespace: 'x' },
      images: { node: 'n:1' },
    });
    expect(user).toEqual({ kubernetes: { namespace: 'x' } });
  });
});

describe('userConfigFile', () => {
  const dir = tempDir('user-config');
  writeFileSync(join(dir, 'my-config.json'), '{}');

  it('names a relative file from where the command was started, and none without LEADERBOARD_CONFIG', () => {
    expect(userConfigFile({ LEADERBOARD_CONFIG: 'my-config.json' }, dir)).toBe(join(dir, 'my-config.json'));
    expect(userConfigFile({}, dir)).toBeUndefined();
  });

  it('refuses a file that is not there, naming it as the user wrote it', () => {
    expect(() => userConfigFile({ LEADERBOARD_CONFIG: 'other.json' }, dir)).toThrow('LEADERBOARD_CONFIG=other.json: no such file');
  });
});
