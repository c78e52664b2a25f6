/**
 * `npm run audit:verify`: checks every hash chain of the audit table and reports the first break.
 *
 *   npm run audit:verify                                   local mode's store (.local/)
 *   npm run audit:verify -- --data-dir <folder>            another local data folder
 *   npm run audit:verify -- --table <name> --region <r>    a deployed table (default credentials)
 *
 * Exit codes: 0 every chain verifies, 1 a chain is broken, 2 the check could not run.
 */
import { runAuditVerify } from '../lambdas/local/audit-verify';

runAuditVerify(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 2;
  },
);
