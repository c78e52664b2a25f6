/**
 * Lab results and vitals as time series per code, with the reference range and a trend summary
 * (e.g. six months of blood pressure: first, last, min, max, mean, direction). Panel observations
 * (blood pressure, LOINC 85354-9) become one series per component (systolic, diastolic).
 */
import type { CodeableConcept, Observation, ObservationReferenceRange, Quantity } from '@medplum/fhirtypes';
import type { ObservationSeries, Observations } from '../../api/schemas';
import type { AccessContext, PatientCompartmentPolicy } from '../policy';
import type { FhirStore } from '../ports';
import type { Audited } from './audited';

/** Default window when the caller gives none: the last six months. */
const DEFAULT_WINDOW_DAYS = 183;
/** A change smaller than this share of the first value reads as stable. */
const STABLE_FRACTION = 0.05;

export interface ObservationQuery {
  readonly code?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export class ObservationService {
  constructor(
    private readonly fhir: FhirStore,
    private readonly policy: PatientCompartmentPolicy,
  ) {}

  async mine(context: AccessContext, query: ObservationQuery): Promise<Audited<Observations>> {
    return this.forPatient(context, this.policy.ownPatientId(context), query);
  }

  async forPatient(
    context: AccessContext,
    patientId: string,
    query: ObservationQuery,
  ): Promise<Audited<Observations>> {
    const access = await this.policy.authorizePatient(context, patientId);
    const to = query.to ? new Date(query.to) : context.now;
    const from = query.from
      ? new Date(query.from)
      : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
    const observations = await this.fhir.search('Observation', {
      subject: `Patient/${patientId}`,
      date: [`ge${from.toISOString()}`, `le${to.toISOString()}`],
      ...(query.code ? { code: query.code } : {}),
      _sort: 'date',
    });
    return {
      value: { from: from.toISOString(), to: to.toISOString(), series: buildSeries(observations) },
      audit: { patientId, resourceType: 'Observation', action: 'search', purpose: access.purpose },
    };
  }
}

interface SeriesBuilder {
  code: string;
  display: string;
  panelCode?: string;
  unit?: string;
  referenceRange?: ObservationSeries['referenceRange'];
  points: ObservationSeries['points'];
}

export function buildSeries(observations: readonly Observation[]): ObservationSeries[] {
  const series = new Map<string, SeriesBuilder>();
  const add = (
    observation: Observation,
    concept: CodeableConcept,
    quantity: Quantity | undefined,
    ranges: ObservationReferenceRange[] | undefined,
    panel?: CodeableConcept,
  ): void => {
    const date = observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued;
    if (quantity?.value === undefined || !date || !observation.id) return;
    const code = codeOf(concept);
    const builder = series.get(code) ?? {
      code,
      display: concept.text ?? concept.coding?.[0]?.display ?? code,
      ...(panel ? { panelCode: codeOf(panel) } : {}),
      points: [],
    };
    const unit = quantity.unit ?? quantity.code;
    if (unit) builder.unit = unit;
    const range = rangeView(ranges?.[0]);
    if (range) builder.referenceRange = range; // observations arrive date-ascending: the latest range wins
    builder.points.push({ observationId: observation.id, date, value: quantity.value });
    series.set(code, builder);
  };
  for (const observation of observations) {
    if (observation.status === 'entered-in-error' || observation.status === 'cancelled') continue;
    if (observation.valueQuantity)
      add(observation, observation.code, observation.valueQuantity, observation.referenceRange);
    for (const component of observation.component ?? []) {
      add(observation, component.code, component.valueQuantity, component.referenceRange, observation.code);
    }
  }
  return [...series.values()]
    .map((builder) => {
      const points = [...builder.points].sort((a, b) => a.date.localeCompare(b.date));
      const trend = summarize(
        points.map((p) => p.value),
        builder.referenceRange,
      );
      return { ...builder, points, ...(trend ? { trend } : {}) };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

export function summarize(
  values: readonly number[],
  range: ObservationSeries['referenceRange'],
): ObservationSeries['trend'] | undefined {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const change = last - first;
  const threshold = Math.abs(first) * STABLE_FRACTION;
  const direction =
    values.length < 2
      ? 'insufficient-data'
      : Math.abs(change) <= threshold
        ? 'stable'
        : change > 0
          ? 'rising'
          : 'falling';
  return {
    count: values.length,
    first,
    last,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: round(mean),
    change: round(change),
    direction,
    lastOutsideReferenceRange:
      (range?.low !== undefined && last < range.low) || (range?.high !== undefined && last > range.high),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function codeOf(concept: CodeableConcept): string {
  const coding = concept.coding?.find((c) => c.system === 'http://loinc.org') ?? concept.coding?.[0];
  if (!coding?.code) return concept.text ?? 'unknown';
  return coding.system ? `${coding.system}|${coding.code}` : coding.code;
}

function rangeView(
  range: ObservationReferenceRange | undefined,
): ObservationSeries['referenceRange'] | undefined {
  if (!range) return undefined;
  const view = {
    ...(range.low?.value !== undefined ? { low: range.low.value } : {}),
    ...(range.high?.value !== undefined ? { high: range.high.value } : {}),
    ...(range.text ? { text: range.text } : {}),
  };
  return Object.keys(view).length > 0 ? view : undefined;
}
