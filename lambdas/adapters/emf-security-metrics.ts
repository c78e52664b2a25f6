/**
 * Security metrics as CloudWatch Embedded Metric Format lines on stdout: Lambda ships them to
 * CloudWatch Logs, which extracts the metric; the alarms watch the metrics without dimensions.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { SECURITY_METRICS } from '../../lib/security-metrics';
import type { SecurityMetrics } from '../core/ports';

export const SECURITY_METRICS_NAMESPACE = SECURITY_METRICS.namespace;
export const BREAK_GLASS_METRIC = SECURITY_METRICS.breakGlassAccess;

export class EmfSecurityMetrics implements SecurityMetrics {
  constructor(
    private readonly write: (line: string) => void = (line) => {
      process.stdout.write(`${line}\n`);
    },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  breakGlassAccess(dimensions: { readonly operationId: string }): void {
    this.count(SECURITY_METRICS.breakGlassAccess, dimensions.operationId);
  }

  auditEventDeferred(dimensions: { readonly operationId: string }): void {
    this.count(SECURITY_METRICS.auditEventsDeferred, dimensions.operationId);
  }

  auditFallbackFailed(dimensions: { readonly operationId: string }): void {
    this.count(SECURITY_METRICS.auditFallbackFailed, dimensions.operationId);
  }

  private count(metric: string, operationId: string): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.clock().getTime(),
          CloudWatchMetrics: [
            {
              Namespace: SECURITY_METRICS.namespace,
              // The empty set is the metric the alarms watch (one alarm for every function); the
              // per-operation one says where to look.
              Dimensions: [[], ['operationId']],
              Metrics: [{ Name: metric, Unit: 'Count' }],
            },
          ],
        },
        operationId,
        [metric]: 1,
      }),
    );
  }
}
