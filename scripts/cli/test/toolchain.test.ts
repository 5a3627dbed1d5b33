/**
 * The bridge to the shell set-up: a function's exported variables reach the command, side-by-side
 * calls do not undo each other's, and a failing function ends the command with its status.
 */
import { CommandFailure } from '../cli';
import { setUp } from '../toolchain';

describe('setUp', () => {
  afterEach(() => {
    delete process.env.LB_TOOLCHAIN_TEST_A;
    delete process.env.LB_TOOLCHAIN_TEST_B;
  });

  it('takes over what the function exported, and what the set-up itself defines is not taken', async () => {
    await setUp(['export', 'LB_TOOLCHAIN_TEST_A=tofu with spaces']);
    expect(process.env.LB_TOOLCHAIN_TEST_A).toBe('tofu with spaces');
    expect(process.env.LOCAL_DIR).toBeUndefined();
  });

  it('keeps what a call changed when a slower one that started before it ends later', async () => {
    process.env.LB_TOOLCHAIN_TEST_B = 'before';
    const slower = setUp(['sleep', '0.5']);
    await setUp(['export', 'LB_TOOLCHAIN_TEST_B=changed']);
    await slower;
    expect(process.env.LB_TOOLCHAIN_TEST_B).toBe('changed');
  });

  it('ends the command with the status of a function that fails (it has said why in its own line)', async () => {
    await expect(setUp(['fail', 'nothing to obtain', '7'])).rejects.toEqual(new CommandFailure('', 7));
  });

  it('accepts the statuses the caller names and still takes the environment', async () => {
    expect(await setUp(['bash', '-c', 'exit 3'], [0, 3])).toBe(3);
  });
});
