/**
 * The unit project's Jest runner: jest-light-runner, which runs test files in plain Node.js so
 * a worker loads cdk8s, cdk8s-plus-28 and the library once rather than once per test file.
 * Node's own loader imports the test files, so TypeScript needs tsx: registered in this process
 * while the unit tests run in it (--runInBand, or one worker), and passed to the runner's child
 * processes through NODE_OPTIONS. Both are undone afterwards, so the `real` project's tests and
 * the processes they spawn see the environment they were started with.
 */
import LightRunner from 'jest-light-runner/child-process';
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

const TSX = '--import tsx';

export default class UnitRunner extends LightRunner {
  async runTests(...args) {
    const nodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = [nodeOptions, TSX].filter(Boolean).join(' ');
    const unregister = [registerEsm(), registerCjs()];
    try {
      return await super.runTests(...args);
    } finally {
      if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = nodeOptions;
      for (const undo of unregister) await undo();
    }
  }
}
