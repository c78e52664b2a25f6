/**
 * Names of the metrics the application emits itself (CloudWatch embedded metric format, see
 * lambdas/adapters/emf-security-metrics.ts) and the alarms watch (lib/constructs): one module, so
 * what a function writes and what an alarm reads cannot drift apart.
 */
export const SECURITY_METRICS = {
  namespace: 'Wellgate/Security',
  /** A clinician reached a patient outside their care team. */
  breakGlassAccess: 'BreakGlassAccess',
  /** An answer went out while its audit event waited on the audit fallback queue. */
  auditEventsDeferred: 'AuditEventsDeferred',
  /** An answer went out and its audit event could not be queued either: a gap to repair by hand. */
  auditFallbackFailed: 'AuditFallbackFailed',
} as const;
