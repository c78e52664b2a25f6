/**
 * Child process for the API benchmark: the local portal on a free loopback port with a temporary
 * data folder, so the load generator (autocannon, in the parent) and the server do not share an
 * event loop. Prints one JSON line (base URL and a demo patient's credentials), then serves until
 * its stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPortal } from '../lambdas/local/portal';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wellgate-bench-'));
  const portal = await startLocalPortal({ dataDir, port: 0 });
  const patient = portal.demoUsers.find((user) => user.role === 'patient');
  process.stdout.write(`${JSON.stringify({ baseUrl: portal.baseUrl, patient })}\n`);
  const stop = async () => {
    await portal.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
}

void main();
