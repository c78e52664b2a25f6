/**
 * Visit-preparation summary drafts for clinicians (issue 4): recent intake answers, the assistant's
 * dispositions (metadata, never chat text), vitals and lab trends and active problems, assembled
 * deterministically from the record and marked as a draft that needs review, with every source
 * resource listed so the clinician can check each statement against the chart.
 *
 * Built by rules rather than a model: a summary a clinician may act on must not contain a
 * hallucinated finding, and every line here can be traced to its source.
 */
import type { Condition, Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { AccessContext, PatientCompartmentPolicy } from '../core/policy';
import { patientIdOf } from '../core/policy';
import type { FhirStore } from '../core/ports';
import type { Audited } from '../core/services/audited';
import { medicationView } from '../core/services/fhir-views';
import { buildSeries } from '../core/services/observation-service';
import type { ConversationStore } from './conversation-store';
import type { SummaryDraft } from './types';

export { type SummaryDraft, SummaryDraftBody, SummaryDraftResponse } from './types';

const DEFAULT_WINDOW_DAYS = 90;
const ACTIVE_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
export const DRAFT_NOTICE =
  'DRAFT generated automatically from the record for visit preparation. It may be incomplete; verify each item against the listed sources before relying on it. Not part of the medical record until reviewed.';

export class SummaryDraftService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly conversations: ConversationStore,
  ) {}

  async draft(
    context: AccessContext,
    policy: Pick<PatientCompartmentPolicy, 'authorizePatient'>,
    patientId: string,
    windowDays = DEFAULT_WINDOW_DAYS,
  ): Promise<Audited<SummaryDraft>> {
    // Care team, or break-glass with a reason (audited and alarmed), exactly as the API core does it.
    const access = await policy.authorizePatient(context, patientId);
    const subject = `Patient/${patientId}`;
    const to = context.now;
    const from = new Date(to.getTime() - windowDays * 86_400_000);
    const [conditions, medications, observations, intakes, dispositions] = await Promise.all([
      this.fhir.search('Condition', { subject }),
      this.fhir.search('MedicationRequest', { subject, status: 'active' }),
      this.fhir.search('Observation', { subject, date: `ge${from.toISOString()}`, _sort: 'date' }),
      this.fhir.search('QuestionnaireResponse', { subject, authored: `ge${from.toISOString()}` }),
      this.conversations.dispositionsSince(patientId, from),
    ]);
    const own = <T extends { subject?: { reference?: string } }>(resources: readonly T[]): T[] =>
      resources.filter((r) => patientIdOf(r.subject) === patientId);

    const activeConditions = own(conditions).filter((c: Condition) =>
      ACTIVE_CLINICAL.has(c.clinicalStatus?.coding?.[0]?.code ?? ''),
    );
    const activeMedications = own(medications).filter((m) => m.id);
    const usable = own(observations).filter(
      (o) => o.status !== 'entered-in-error' && o.status !== 'cancelled',
    );
    const vitals = usable.filter(isVitalSign);
    const labs = usable.filter((o) => !isVitalSign(o));
    const recentIntakes = own(intakes)
      .filter((q: QuestionnaireResponse) => q.id && q.status === 'completed')
      .sort((a, b) => (b.authored ?? '').localeCompare(a.authored ?? ''))
      .slice(0, 3);

    const vitalsTrends = trendsOf(vitals);
    const labTrends = trendsOf(labs);
    const byDisposition: SummaryDraft['assistantActivity']['byDisposition'] = {};
    for (const record of dispositions)
      byDisposition[record.disposition] = (byDisposition[record.disposition] ?? 0) + 1;
    const emergencyCategories = [...new Set(dispositions.flatMap((d) => d.redFlagCategories))].sort();
    const assistantActivity = {
      turns: dispositions.length,
      byDisposition,
      emergencyCategories,
      escalationsToCareTeam: dispositions.filter((d) => d.escalated).length,
      ...(dispositions[0] ? { lastAt: dispositions[0].at } : {}),
    };

    const activeProblems = activeConditions.map((c) => ({
      conditionId: c.id ?? '',
      display: c.code?.text ?? c.code?.coding?.[0]?.display ?? 'Condition',
      ...(c.onsetDateTime ? { onset: c.onsetDateTime } : {}),
    }));
    const medicationViews = activeMedications.map((m) => {
      const view = medicationView(m);
      return { medicationId: view.medicationId, name: view.name };
    });
    const recentIntake = recentIntakes.map((q) => ({
      intakeId: q.id ?? '',
      ...(q.authored ? { authored: q.authored } : {}),
      answers: (q.item ?? []).map((item) => ({
        question: item.text ?? item.linkId,
        answer: (item.answer ?? []).map(answerText).join(', '),
      })),
    }));

    const narrative = [
      'Draft for review: assembled automatically from the record.',
      activeProblems.length > 0
        ? `Active problems: ${activeProblems.map((p) => p.display).join('; ')}.`
        : 'No active problems recorded.',
      medicationViews.length > 0
        ? `Active medications: ${medicationViews.map((m) => m.name).join('; ')}.`
        : 'No active medications recorded.',
      ...[...vitalsTrends, ...labTrends]
        .filter((t) => t.direction !== 'stable' || t.lastOutsideReferenceRange)
        .map(
          (t) =>
            `${t.display}: ${t.direction}, ${t.first} → ${t.last}${t.unit ? ` ${t.unit}` : ''} over ${t.count} readings${t.lastOutsideReferenceRange ? '; latest outside the reference range' : ''}.`,
        ),
      recentIntake.length > 0
        ? `Intake: ${recentIntake.length} questionnaire(s) completed in the window; answers listed below.`
        : 'No intake questionnaire completed in the window.',
      assistantActivity.turns > 0
        ? `Assistant: ${assistantActivity.turns} message(s) triaged (${Object.entries(byDisposition)
            .map(([d, n]) => `${d} ${n}`)
            .join(
              ', ',
            )})${emergencyCategories.length > 0 ? `; emergency screen hits: ${emergencyCategories.join(', ')}` : ''}${assistantActivity.escalationsToCareTeam > 0 ? `; offered the care team ${assistantActivity.escalationsToCareTeam} time(s)` : ''}.`
        : 'No assistant conversations in the window.',
    ];

    const sources = [
      ...activeConditions.map((c) => ({ resourceType: 'Condition', id: c.id ?? '' })),
      ...activeMedications.map((m) => ({ resourceType: 'MedicationRequest', id: m.id ?? '' })),
      ...usable.filter((o) => o.id).map((o) => ({ resourceType: 'Observation', id: o.id ?? '' })),
      ...recentIntakes.map((q) => ({ resourceType: 'QuestionnaireResponse', id: q.id ?? '' })),
    ].filter((s) => s.id.length > 0);

    return {
      value: {
        patientId,
        status: 'draft',
        reviewRequired: true,
        notice: DRAFT_NOTICE,
        generatedAt: to.toISOString(),
        generatedBy: 'wellgate-summary-rules',
        window: { from: from.toISOString(), to: to.toISOString() },
        activeProblems,
        activeMedications: medicationViews,
        vitalsTrends,
        labTrends,
        recentIntake,
        assistantActivity,
        narrative,
        sources,
      },
      audit: {
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        action: 'read',
        purpose: access.purpose,
      },
    };
  }
}

function isVitalSign(observation: Observation): boolean {
  return (observation.category ?? []).some((c) => c.coding?.some((coding) => coding.code === 'vital-signs'));
}

function trendsOf(observations: readonly Observation[]): SummaryDraft['vitalsTrends'] {
  return buildSeries(observations).flatMap((series) => {
    const first = series.points[0];
    const last = series.points[series.points.length - 1];
    if (!series.trend || !first || !last) return [];
    const { count, min, max, direction, lastOutsideReferenceRange } = series.trend;
    return [
      {
        code: series.code,
        display: series.display,
        ...(series.unit ? { unit: series.unit } : {}),
        count,
        first: series.trend.first,
        last: series.trend.last,
        min,
        max,
        direction,
        lastOutsideReferenceRange,
        since: first.date,
        latest: last.date,
      },
    ];
  });
}

function answerText(
  answer: NonNullable<NonNullable<QuestionnaireResponse['item']>[number]['answer']>[number],
): string {
  if (answer.valueString !== undefined) return answer.valueString;
  if (answer.valueBoolean !== undefined) return answer.valueBoolean ? 'yes' : 'no';
  if (answer.valueInteger !== undefined) return String(answer.valueInteger);
  if (answer.valueDecimal !== undefined) return String(answer.valueDecimal);
  if (answer.valueDate !== undefined) return answer.valueDate;
  if (answer.valueCoding?.display !== undefined) return answer.valueCoding.display;
  return '';
}
