import { Testing } from 'cdktf';
// The matchers' types are a global augmentation of jest.Matchers in this module; importing it puts them in scope.
import type {} from 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
