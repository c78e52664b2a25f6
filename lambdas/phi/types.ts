/**
 * The one PHI-detection module's contract (DESIGN.md: one module, three callers — the assistant's
 * minimizer, the de-identification engine, and the pipeline's residual scan — plus the tests that
 * scan logs). Callers depend on these types; detectors live beside them in lambdas/phi/.
 */

/** HIPAA Safe Harbor identifier classes, 45 CFR 164.514(b)(2)(i)(A)-(R), as placeholder types. */
export const PHI_TYPES = [
  'NAME',
  'ADDRESS', // street address, city, county, precinct, ZIP (beyond the allowed 3 digits)
  'ZIP',
  'DATE', // any date element (except year) related to an individual
  'AGE', // ages over 89
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'HEALTH_PLAN_ID',
  'ACCOUNT',
  'LICENSE', // certificate / licence numbers
  'VEHICLE_ID', // vehicle identifiers and plates
  'DEVICE_ID',
  'URL',
  'IP',
  'BIOMETRIC_ID',
  'PHOTO',
  'OTHER_ID', // any other unique identifying number, characteristic or code
] as const;
export type PhiType = (typeof PHI_TYPES)[number];

/** One detected identifier: a half-open character range [start, end) of the input text. */
export interface PhiSpan {
  readonly type: PhiType;
  readonly start: number;
  readonly end: number;
  /** Name of the detector or rule that found it (for reports; never the matched value). */
  readonly rule: string;
}

/**
 * Identifiers the structured record already names (the patient's and relatives' names, MRN,
 * phone, address, birth date...): removed wherever they appear in that patient's text.
 */
export interface KnownIdentifier {
  readonly type: PhiType;
  readonly value: string;
}

export type DetectMode = 'assistant' | 'training';
export const DETECT_MODES: readonly DetectMode[] = ['assistant', 'training'];

export interface DetectOptions {
  readonly known?: readonly KnownIdentifier[];
  /**
   * Also flag a bare year ("in 2019", "'92"). Safe Harbor keeps years, so the default is off;
   * the residual scan leaves it off too, since the engine keeps years on purpose.
   */
  readonly bareYears?: boolean;
  /**
   * `assistant` (the default) is precision-first: only what a detector recognises is flagged, so a
   * model can still read the message. `training` is recall-first (the training wall's free text):
   * the detectors' spans plus every token the keep-list cannot prove safe (keep-list.ts). Training
   * mode needs the dictionary entry (lambdas/phi/index.ts); the light entry refuses it.
   */
  readonly mode?: DetectMode;
  /** Report only these types (default: all). Detection still runs in full so spans stay whole. */
  readonly types?: readonly PhiType[];
}
