import { Testing } from 'cdktf';
import { removeTempDirs } from './temp-dirs';
// The matchers' types are a global augmentation of jest.Matchers in this module; importing it puts them in scope.
import type {} from 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();

// Registered before the test file's own hooks: it runs after every afterAll of the file's describe
// blocks (which may still use the directories, e.g. to tear a stack down from its clone).
afterAll(removeTempDirs);
