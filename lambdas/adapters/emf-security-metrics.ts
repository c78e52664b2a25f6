/**
 * Security metrics as CloudWatch Embedded Metric Format lines on stdout: Lambda ships them to
 * CloudWatch Logs, which extracts the metric; the monitoring stack alarms on BreakGlassAccess > 0.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { SecurityMetrics } from '../core/ports';

export const SECURITY_METRICS_NAMESPACE = 'Wellgate/Security';
export const BREAK_GLASS_METRIC = 'BreakGlassAccess';

export class EmfSecurityMetrics implements SecurityMetrics {
  constructor(
    private readonly write: (line: string) => void = (line) => {
      process.stdout.write(`${line}\n`);
    },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  breakGlassAccess(dimensions: { readonly operationId: string }): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.clock().getTime(),
          CloudWatchMetrics: [
            {
              Namespace: SECURITY_METRICS_NAMESPACE,
              Dimensions: [['operationId']],
              Metrics: [{ Name: BREAK_GLASS_METRIC, Unit: 'Count' }],
            },
          ],
        },
        operationId: dimensions.operationId,
        [BREAK_GLASS_METRIC]: 1,
      }),
    );
  }
}
