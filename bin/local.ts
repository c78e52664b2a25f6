/**
 * `npm start`: the whole portal on 127.0.0.1 with no AWS account (DESIGN.md, "Local mode").
 *
 *   npm start                         serve on 127.0.0.1:3000 (PORT overrides), data in .local/
 *   npx tsx bin/local.ts totp <user>  print a demo user's current TOTP code (an authenticator app)
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clinicTimeZoneFromEnvironment } from '../lambdas/api/composition';
import type { DemoUserCredentials } from '../lambdas/local/identity/demo-users';
import { totpCode } from '../lambdas/local/identity/totp';
import type { LocalLogFields } from '../lambdas/local/log';
import { localPaths } from '../lambdas/local/paths';
import { DEFAULT_LOCAL_PORT, type LocalPortal, startLocalPortal } from '../lambdas/local/portal';
import { RUNTIME_ENV } from '../lib/contracts';

const DATA_DIR = resolve('.local');

/** One JSON line per event: ids, routes and statuses only (the gateway and API never pass PHI). */
function logLine(message: string, fields: LocalLogFields = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), message, ...fields }));
}

function portFromEnvironment(): number {
  const raw = process.env['PORT'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOCAL_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

function printWelcome(portal: LocalPortal): void {
  const base = portal.baseUrl;
  const patient = portal.demoUsers.find((user) => user.username === 'demo-patient-1');
  const lines = [
    '',
    'Wellgate local mode: synthetic data only, no AWS account. Ctrl+C stops it.',
    `Base URL:   ${base}`,
    `Data:       ${portal.paths.root} (delete it to reset users, keys and DynamoDB data)`,
    `Demo users: ${portal.paths.demoUsersFile}`,
    '',
    'Demo users (password, then the TOTP code from the secret, as an authenticator app would):',
  ];
  for (const user of portal.demoUsers) {
    const link = user.fhirPatientId
      ? `Patient/${user.fhirPatientId}`
      : user.fhirPractitionerId
        ? `Practitioner/${user.fhirPractitionerId}`
        : '-';
    lines.push(`  ${user.username.padEnd(15)} role ${user.role.padEnd(9)} linked ${link}`);
    lines.push(`    password ${user.password}   TOTP secret ${user.totpSecret}`);
    lines.push(`    ${user.otpauthUri}`);
  }
  const username = patient?.username ?? 'demo-patient-1';
  const password = patient?.password ?? '<password>';
  lines.push(
    '',
    'What to try:',
    `  curl -s ${base}/v1/health`,
    `  curl -s ${base}/openapi.json | head -c 300`,
    '  # 1. password -> MFA challenge',
    `  SESSION=$(curl -s -X POST ${base}/local/auth/sign-in -H 'content-type: application/json' \\`,
    `    -d '{"username":"${username}","password":"${password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).session')`,
    '  # 2. the current TOTP code, then tokens',
    `  CODE=$(npx tsx bin/local.ts totp ${username})`,
    `  TOKEN=$(curl -s -X POST ${base}/local/auth/mfa -H 'content-type: application/json' \\`,
    `    -d "{\\"session\\":\\"$SESSION\\",\\"code\\":\\"$CODE\\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
    '  # 3. the API',
    `  curl -s ${base}/v1/me -H "authorization: Bearer $TOKEN"`,
    `  curl -s "${base}/v1/me/observations?code=85354-9" -H "authorization: Bearer $TOKEN"`,
    `  curl -s ${base}/v1/slots -H "authorization: Bearer $TOKEN"`,
    `  curl -s -X POST ${base}/v1/me/appointments -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')" -d '{"slotId":"<a free slot id>","reason":"Check-up"}'`,
    `  curl -s ${base}/v1/me/access-log -H "authorization: Bearer $TOKEN"`,
    '  npm run demo        # the same walk-through, scripted',
    '  npm run audit:verify  # verify the audit hash chains',
    '',
  );
  console.log(lines.join('\n'));
}

async function serve(): Promise<void> {
  const portal = await startLocalPortal({
    dataDir: DATA_DIR,
    port: portFromEnvironment(),
    log: logLine,
    // The deployed API takes the zone from the config; locally, WELLGATE_CLINIC_TIME_ZONE or this machine's.
    timeZone: clinicTimeZoneFromEnvironment({
      [RUNTIME_ENV.clinicTimeZone]:
        process.env[RUNTIME_ENV.clinicTimeZone] ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  });
  printWelcome(portal);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logLine('stopping', { signal });
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function printTotp(username: string | undefined): Promise<void> {
  const file = localPaths(DATA_DIR).demoUsersFile;
  const { users } = JSON.parse(readFileSync(file, 'utf8')) as { users: DemoUserCredentials[] };
  const user = users.find((candidate) => candidate.username === username);
  if (user === undefined) throw new Error(`No demo user "${username ?? ''}" in ${file}`);
  console.log(await totpCode(user.totpSecret));
}

const [command, argument] = process.argv.slice(2);
(command === 'totp' ? printTotp(argument) : serve()).catch((error: unknown) => {
  console.error(`local mode failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exit(1);
});
