import type { WellgateConfig } from './config';

/**
 * Physical names that more than one stack must know without a cross-stack reference
 * (CloudTrail data-event selectors in the audit stack name buckets owned by later stacks;
 * a reference would make the audit stack depend on them, and they already depend on it).
 */
export class DeploymentNames {
  constructor(private readonly config: Pick<WellgateConfig, 'clinic' | 'account' | 'region'>) {}

  /** CloudFormation stack name for one lifecycle unit. */
  stack(unit: 'audit' | 'data' | 'identity' | 'network' | 'api' | 'training' | 'monitoring'): string {
    return `wellgate-${this.config.clinic.id}-${unit}`;
  }

  /** Globally unique bucket name: clinic id, purpose, account and region. */
  bucket(purpose: 'audit' | 'access-logs' | 'export' | 'training' | 'staging'): string {
    return `wellgate-${this.config.clinic.id}-${purpose}-${this.config.account}-${this.config.region}`;
  }

  /** The CloudTrail trail (the preflight check asks whether it is logging). */
  trail(): string {
    return `wellgate-${this.config.clinic.id}-trail`;
  }

  /** The assistant's Bedrock guardrail (the preflight check looks it up by name). */
  guardrail(): string {
    return `${this.stack('api')}-assistant`;
  }

  /** Prefix in the audit bucket where Firehose delivers application audit events. */
  static readonly APP_AUDIT_PREFIX = 'app-audit-events/';
  /** Prefix in the audit bucket where CloudTrail delivers its log files. */
  static readonly CLOUDTRAIL_PREFIX = 'cloudtrail';
}
