import type { ComplianceReport, MappedAcknowledgment, SafeguardReport } from './build-report';
import type { EvidenceItem } from './evidence';

/** Table cells: no pipes or line breaks may escape the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

const STATUS_MARK: Record<SafeguardReport['status'], string> = {
  implemented: 'implemented',
  'open findings': '**OPEN FINDINGS**',
  'no evidence in templates': '_no evidence in templates_',
};

function anchor(s: SafeguardReport): string {
  return `safeguard-${s.id
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/-+$/, '')
    .toLowerCase()}`;
}

function evidenceRows(items: readonly EvidenceItem[]): string[][] {
  return items.map((i) => [
    i.what,
    `\`${i.path}\``,
    Object.entries(i.settings)
      .map(([k, v]) => `${k}: ${v}`)
      .join('<br>'),
  ]);
}

function ackRows(acks: readonly MappedAcknowledgment[]): string[][] {
  return acks.map((a) => [
    `\`${a.ruleId}\``,
    `\`${a.constructPath}\`${a.broad ? ' (whole scope)' : ''}`,
    a.reason,
  ]);
}

/** The reviewer's document: summary first, then one section per safeguard, then every acknowledgment. */
export function renderMarkdown(report: ComplianceReport): string {
  const out: string[] = [];
  out.push('# Wellgate: HIPAA Security Rule compliance report', '');
  out.push(
    `Generated ${report.generatedAt} from \`${report.source}\`. Stacks: ${report.stacks.map((s) => `\`${s}\``).join(', ') || 'none'}.`,
    '',
  );
  out.push(
    report.passed
      ? '**Result: PASS.** No rule pack has an open finding; every exception is acknowledged below with its reason.'
      : `**Result: FAIL.** ${report.findings.length} open finding(s); see "Open findings".`,
    '',
  );
  out.push(
    'Each safeguard of 45 CFR 164.308, 164.310(d) and 164.312 lists the resources and settings that implement it ' +
      '(read from the resolved CloudFormation templates), the nag rules that check it (HIPAA pack control ids, ' +
      "plus hand-mapped AwsSolutions/Serverless rules and Wellgate's own rules), and every acknowledgment of those rules.",
    '',
  );

  out.push('## Rule packs', '');
  out.push(
    'CloudFormation Validate (`@aws-cdk/core:validateAgainstDefaultRules`) runs during `npm run synth`, which fails before this report is written if it finds anything.',
    '',
  );
  out.push(
    ...table(
      ['Pack', 'Rules', 'Open findings'],
      report.packs.map((p) => [
        p.name,
        p.runByReport ? String(p.rules) : 'runs at synth',
        p.runByReport ? String(p.openFindings) : '-',
      ]),
    ),
    '',
  );

  out.push('## Summary', '');
  out.push(
    ...table(
      ['Safeguard', 'Title', 'Status', 'Resources', 'Rules checking them', 'Acknowledgments'],
      report.safeguards.map((s) => [
        `[${s.id}](#${anchor(s)})`,
        s.title,
        STATUS_MARK[s.status],
        String(s.evidence.length),
        String(s.rules.filter((r) => r.resourcesChecked > 0).length),
        String(s.acknowledgments.length),
      ]),
    ),
    '',
  );

  if (report.findings.length > 0) {
    out.push('## Open findings', '');
    out.push(
      ...table(
        ['Rule', 'Severity', 'Resources', 'Description'],
        report.findings.map((f) => [
          `\`${f.ruleId}\``,
          f.severity,
          f.constructPaths.map((p) => `\`${p}\``).join('<br>'),
          f.description,
        ]),
      ),
      '',
    );
  }

  for (const s of report.safeguards) {
    out.push(`<a id="${anchor(s)}"></a>`, '', `## ${s.id}: ${s.title}`, '');
    out.push(`_${s.kind} safeguard._ ${s.requirement}`, '');
    out.push(`**Status:** ${STATUS_MARK[s.status]}`, '');
    if (s.clinicResponsibility) out.push(`**Stays with the clinic:** ${s.clinicResponsibility}`, '');
    out.push('### Implemented by', '');
    out.push(
      ...(s.evidence.length > 0
        ? table(['What', 'Construct', 'Settings'], evidenceRows(s.evidence))
        : ['None found in the templates.']),
      '',
    );
    if (s.openFindings.length > 0) {
      out.push('### Open findings', '');
      out.push(
        ...s.openFindings.map(
          (f) => `- \`${f.ruleId}\` on ${f.constructPaths.map((p) => `\`${p}\``).join(', ')}`,
        ),
        '',
      );
    }
    out.push('### Checked by', '');
    const applied = s.rules.filter((r) => r.resourcesChecked > 0);
    const idle = s.rules.filter((r) => r.resourcesChecked === 0);
    out.push(
      ...(applied.length > 0
        ? applied.map(
            (r) =>
              `- \`${r.id}\` (${r.level}; ${r.resourcesChecked} resource(s) checked; ${r.controls.join(', ') || 'mapped by hand'})`,
          )
        : ['No rule evaluated a resource of this app: the settings above are the evidence.']),
      '',
    );
    if (idle.length > 0) {
      out.push(
        `<details><summary>${idle.length} more rule(s) for resource types this app does not use</summary>\n\n${idle.map((r) => `\`${r.id}\``).join(', ')}\n\n</details>`,
        '',
      );
    }
    out.push('### Acknowledgments', '');
    out.push(
      ...(s.acknowledgments.length > 0
        ? table(['Rule', 'Construct', 'Reason'], ackRows(s.acknowledgments))
        : ['None.']),
      '',
    );
  }

  out.push('## Every acknowledgment', '');
  out.push(
    ...(report.acknowledgments.length > 0
      ? table(
          ['Rule', 'Construct', 'Safeguards', 'Reason'],
          report.acknowledgments.map((a) => [
            `\`${a.ruleId}\`${a.ruleKnown ? '' : ' (not a rule of the registered nag packs)'}`,
            `\`${a.constructPath}\`${a.broad ? ' (whole scope)' : ''}`,
            a.safeguards.join(', ') || 'none mapped',
            a.reason,
          ]),
        )
      : ['None.']),
    '',
  );
  return `${out.join('\n')}\n`;
}
