/**
 * The S3 SDK is heavy: it must load only when an archive action runs, never with the
 * constructs (lib/index.ts) nor for the CLI's help or other commands. Checked in a fresh Node
 * process through require.cache (jest's module registry would hide it).
 */
import { execFile } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

const SCRIPT = `
require('ts-node').register({ swc: true, transpileOnly: true });
const sdkLoaded = () => Object.keys(require.cache).some((k) => k.includes('@aws-sdk/client-s3'));
const out = {};
require('./lib');
out.afterLibIndex = sdkLoaded();
const { main } = require('./lib/cli/main');
out.afterCliLoad = sdkLoaded();
(async () => {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the help text
  out.helpExit = await main(['--help']);
  out.archiveHelpExit = await main(['archive', 'inspect', '--help']);
  process.stdout.write = write;
  out.afterHelp = sdkLoaded();
  require('./lib/cli/archive/inspect-command'); // what the inspect action imports
  out.afterAction = sdkLoaded();
  console.log(JSON.stringify(out));
})();
`;

test('@aws-sdk/client-s3 is not loaded by lib/index.ts, the CLI or its help; the archive action loads it', async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', SCRIPT], { cwd: ROOT, timeout: 60_000, encoding: 'utf8' }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut}`));
      else resolve(out);
    });
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(result).toEqual({
    afterLibIndex: false,
    afterCliLoad: false,
    helpExit: 0,
    archiveHelpExit: 0,
    afterHelp: false,
    afterAction: true, // the check itself can fail
  });
});
