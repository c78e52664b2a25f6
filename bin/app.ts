#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfigFile } from '../lib/config';
import { buildWellgate } from '../lib/wellgate-app';

// The config is validated before any construct exists: a bad field stops synth with its name.
const app = new App();
const configPath =
  (app.node.tryGetContext('config') as string | undefined) ??
  process.env.WELLGATE_CONFIG ??
  DEFAULT_CONFIG_PATH;
try {
  buildWellgate(app, loadConfigFile(configPath));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
app.synth();
