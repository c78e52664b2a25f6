import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The feature flags and validation settings in cdk.json. `cdk synth` applies them itself; apps
 * built in-process (the compliance report, tests) apply them through this, so every path
 * synthesizes the same templates.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.resolve(__dirname, '..', 'cdk.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return parsed.context ?? {};
}
