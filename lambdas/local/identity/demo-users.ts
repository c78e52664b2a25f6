import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Role } from '../../api/route-table';
import type { SyntheticClinic } from '../seed/synthetic-clinic';
import { totpEnrolmentUri } from './totp';
import type { LocalUserStore } from './user-store';

/** What a developer needs to sign in as a demo user (written to `.local/demo-users.json`). */
export interface DemoUserCredentials {
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly otpauthUri: string;
  readonly role: Role;
  readonly description: string;
  readonly fhirPatientId?: string;
  readonly fhirPractitionerId?: string;
}

interface DemoUserSpec {
  readonly username: string;
  readonly role: Role;
  readonly description: string;
  /** Index into the seeded patients or practitioners the account is linked to. */
  readonly patientIndex?: number;
  readonly practitionerIndex?: number;
}

/**
 * Two patients with different primary clinicians, the first patient's clinician, a front-desk
 * staff member and an administrator: enough to see every role and a denied cross-patient access.
 * Usernames are role names, not people's names: they appear in URLs and audit trails.
 */
const DEMO_USERS: readonly DemoUserSpec[] = [
  {
    username: 'demo-patient-1',
    role: 'patient',
    description: "Patient, on the demo clinician's panel",
    patientIndex: 0,
  },
  {
    username: 'demo-patient-2',
    role: 'patient',
    description: 'Patient of another clinician',
    patientIndex: 1,
  },
  {
    username: 'demo-clinician',
    role: 'clinician',
    description: 'Clinician, primary for demo-patient-1',
    practitionerIndex: 0,
  },
  { username: 'demo-staff', role: 'staff', description: 'Front desk: scheduling only' },
  { username: 'demo-admin', role: 'admin', description: 'Administrator: links users to patients' },
];

interface DemoUsersFile {
  readonly note: string;
  readonly users: readonly DemoUserCredentials[];
}

/**
 * Creates the demo users on first start (empty store) and writes their credentials; on later
 * starts reads the credentials back and refreshes the links, which an admin may have changed.
 * Passwords exist in plain text only in the demo file, never in the user store.
 */
export async function provisionDemoUsers(
  store: LocalUserStore,
  clinic: SyntheticClinic,
  demoUsersFile: string,
): Promise<DemoUserCredentials[]> {
  let credentials: DemoUserCredentials[];
  if (store.size === 0) {
    credentials = [];
    for (const spec of DEMO_USERS) {
      const fhirPatientId =
        spec.patientIndex === undefined ? undefined : clinic.patients[spec.patientIndex]?.id;
      const fhirPractitionerId =
        spec.practitionerIndex === undefined ? undefined : clinic.practitioners[spec.practitionerIndex]?.id;
      const issued = await store.create({
        username: spec.username,
        email: `${spec.username}@example.test`,
        groups: [spec.role],
        ...(fhirPatientId === undefined ? {} : { fhirPatientId }),
        ...(fhirPractitionerId === undefined ? {} : { fhirPractitionerId }),
      });
      credentials.push({
        username: spec.username,
        password: issued.password,
        totpSecret: issued.totpSecret,
        otpauthUri: totpEnrolmentUri(issued.totpSecret, spec.username),
        role: spec.role,
        description: spec.description,
      });
    }
  } else if (existsSync(demoUsersFile)) {
    credentials = [...(JSON.parse(readFileSync(demoUsersFile, 'utf8')) as DemoUsersFile).users];
  } else {
    throw new Error(
      `${demoUsersFile} is missing, so the demo passwords are unknown; delete the local data folder to start afresh`,
    );
  }

  const withLinks = credentials.map((entry): DemoUserCredentials => {
    const user = store.find(entry.username);
    const { fhirPatientId: _patient, fhirPractitionerId: _practitioner, ...rest } = entry;
    return {
      ...rest,
      ...(user?.fhirPatientId === undefined ? {} : { fhirPatientId: user.fhirPatientId }),
      ...(user?.fhirPractitionerId === undefined ? {} : { fhirPractitionerId: user.fhirPractitionerId }),
    };
  });
  const file: DemoUsersFile = {
    note: 'Synthetic local-mode accounts. Compute the MFA code from totpSecret (or scan otpauthUri).',
    users: withLinks,
  };
  writeFileSync(demoUsersFile, JSON.stringify(file, null, 2), { mode: 0o600 });
  return withLinks;
}
