/**
 * Flags of the repository's command-line tools, read with node:util parseArgs (strict, no
 * positionals): a bad flag prints the message and the usage and exits 2; `--help` (an option every
 * tool declares) prints the usage and exits 0.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']> & { help: { type: 'boolean'; short: 'h' } };

export const HELP = { help: { type: 'boolean', short: 'h' } } as const;

export function cliOptions<const O extends Options>(options: O, usage: string) {
  let values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'];
  try {
    values = parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }
  if ('help' in values && values.help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
