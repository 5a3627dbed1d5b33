/**
 * Three tiers, one jest project each; `npm test` runs all three (after its set-up), and each runs on
 * its own: `npm run test:unit` (no Docker, no network, no build tools beyond Node: under two minutes),
 * `npm run test:integration` (real Kafka, Flink, PostgreSQL, OpenTofu, Chromium processes and
 * images), `npm run test:deploy` (real stacks). A suite's tier is in its file name: `*.int.test.ts`,
 * `*.deploy.test.ts`, else unit.
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/test-support/jest-setup.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
};
const ignored = ['/node_modules/', '/cdktf.out/', '/build/', '/target/'];

module.exports = {
  // One suite at a time: the integration and deploy suites each take the machine's ports and cores.
  maxWorkers: 1,
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/test/**/*.test.ts'], testPathIgnorePatterns: [...ignored, '\\.int\\.test\\.ts$', '\\.deploy\\.test\\.ts$'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/**/test/**/*.int.test.ts'], testPathIgnorePatterns: ignored },
    { ...shared, displayName: 'deploy', testMatch: ['<rootDir>/**/test/**/*.deploy.test.ts'], testPathIgnorePatterns: ignored },
  ],
};
