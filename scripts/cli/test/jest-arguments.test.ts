import { jestArguments } from '../jest-arguments';

describe('jestArguments', () => {
  it('passes the arguments of npm test as they are', () => {
    expect(jestArguments(['stacks/test/kind', '-t', 'k8s-kafka'])).toEqual(['stacks/test/kind', '-t', 'k8s-kafka']);
  });

  it('selects the tier after the user\'s arguments, so a path is not read as a project name', () => {
    expect(jestArguments(['--tier', 'deploy', 'test/readme.deploy.test.ts', '-t', 'destroy'])).toEqual([
      'test/readme.deploy.test.ts',
      '-t',
      'destroy',
      '--selectProjects',
      'deploy',
    ]);
  });
});
