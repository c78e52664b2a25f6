import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptionsFor } from '../benchmarks/bundles';

/** The files esbuild puts in a task's bundle, built as it is deployed (SECURE_FUNCTION_BUNDLING). */
async function bundleInputs(entry: string): Promise<string[]> {
  const result = await build({
    ...esbuildOptionsFor(entry, join(tmpdir(), 'wellgate-bundle-test.mjs')),
    write: false,
    metafile: true,
    sourcemap: false,
  });
  return Object.keys(result.metafile.inputs);
}

const DICTIONARY_INPUTS = [
  'lambdas/phi/dictionaries.ts',
  'node_modules/zipcodes/',
  'node_modules/humannames/',
  'node_modules/an-array-of-english-words/',
];
const carriesDictionaries = (inputs: readonly string[]): boolean =>
  inputs.some((input) => DICTIONARY_INPUTS.some((d) => input.startsWith(d)));

/** The PHI module's dictionaries are most of a pipeline bundle: only the tasks that read text carry them. */
describe('pipeline task bundles', () => {
  it.each(['lambdas/pipeline/publish-dataset.ts', 'lambdas/pipeline/cleanup-staging.ts'])(
    '%s carries no PHI dictionaries',
    async (entry) => {
      expect(carriesDictionaries(await bundleInputs(entry))).toBe(false);
    },
  );

  it.each(['lambdas/pipeline/deidentify-file.ts', 'lambdas/pipeline/validate-run.ts'])(
    '%s carries them',
    async (entry) => {
      expect(carriesDictionaries(await bundleInputs(entry))).toBe(true);
    },
  );
});
