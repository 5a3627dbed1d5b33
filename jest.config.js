/** One jest run covers every component; integration suites start their own real services. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/build/', '/target/'],
  setupFilesAfterEnv: ['<rootDir>/test-support/jest-setup.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
  maxWorkers: 1,
};
