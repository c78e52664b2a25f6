/**
 * The large-lexicon and context rules of lambdas/phi: names that are no English word, care sites
 * named after a transfer cue, hospital initialisms, facility names without their head word, and
 * international phone numbers. All text is synthetic, written here.
 */
import { detectPhi, type PhiType } from '../lambdas/phi';
import { isDistinctName, isUnknownWord } from '../lambdas/phi/dictionaries';

const found = (text: string): Array<[PhiType, string]> =>
  detectPhi(text).map((s) => [s.type, text.slice(s.start, s.end)]);

describe('public lexicons', () => {
  it('keeps names that are no English or clinical word, and drops those that are', () => {
    expect(isDistinctName('suzette')).toBe(true);
    expect(isDistinctName('will')).toBe(false);
    expect(isDistinctName('neo')).toBe(false);
    expect(isUnknownWord('quillbrook')).toBe(true);
    expect(isUnknownWord('hospital')).toBe(false);
    expect(isUnknownWord('prbc')).toBe(false);
  });
});

describe('names from the large lexicon', () => {
  it.each([
    ['SOCIAL: DAUGHTER PHILOMENA CALLED TONIGHT.', 'PHILOMENA'],
    ['social: husband dragomir visited this evening.', 'dragomir'],
    ['Pt comfortable overnight, Suzette updated by phone.', 'Suzette'],
  ])('finds the name in %j', (text, name) => {
    expect(found(text)).toContainEqual(['NAME', name]);
  });

  it.each([
    'HR 80s NSR, no VEA noted, abd soft.',
    'Trach care done, vanco trough pending.',
    'hr 72, iv site clean, neo weaned to off.',
  ])('takes no clinical shorthand for a name in %j', (text) => {
    expect(found(text).map(([t]) => t)).not.toContain('NAME');
  });
});

describe('care sites', () => {
  it.each([
    ['Pt transferred from Brenlowe Adventist for cath.', 'Brenlowe Adventist'],
    ['58 YO MALE ADMITTED TO ZORVATH 3 WITH CHF.', 'ZORVATH'],
    ['pt was sent to XGH for further eval.', 'XGH'],
    ['Arrived via XGH EW this morning.', 'XGH'],
  ])('finds the site in %j', (text, site) => {
    expect(found(text)).toContainEqual(['ADDRESS', site]);
  });

  it('replaces a facility name with its head word, which can reveal the town', () => {
    const text = 'Transferred from Quillbrook Hospital overnight.';
    expect(found(text)).toContainEqual(['ADDRESS', 'Quillbrook Hospital']);
  });

  it.each([
    'Transferred to the MICU for closer monitoring.',
    'pt admitted from OSH with chest pain.',
    'Plan: transfer to CCU when bed ready.',
  ])('takes no unit or outside-hospital abbreviation for a site in %j', (text) => {
    expect(found(text).map(([t]) => t)).not.toContain('ADDRESS');
  });
});

describe('international phone numbers', () => {
  it.each(['+44 20 7946 0958', '0049 30 1234567', '+33 1 23 45 67 89'])('finds %j', (phone) => {
    expect(found(`Call the family on ${phone} tonight.`)).toContainEqual(['PHONE', phone]);
  });

  it('leaves decimals and lab runs alone', () => {
    expect(found('ABG 7.45/34/88, K 4.1, Na 138.')).toEqual([]);
  });
});

// Synthetic sentences (no corpus text) for the context rules added for wards, repeats and relatives.
describe('wards, repeated sites and relatives in context', () => {
  const values = (text: string): string[] => found(text).map(([, v]) => v);

  it.each([
    ['Plan: transfer to Zorvath 3 this evening.', 'Zorvath'],
    ['PT ON ZORVATH 2 WITH STABLE VITALS.', 'ZORVATH'],
    ['Per Zorvath 4 RN, uop low.', 'Zorvath'],
  ])('finds the ward in %j', (text, ward) => {
    expect(found(text)).toContainEqual(['ADDRESS', ward]);
  });

  it.each(['on Pressorix 2 mcg/kg/min', 'on Pressorix 2-4 units', 'OVERBRETHING 2-4 ON VENT'])(
    'takes no dose or range for a ward in %j',
    (text) => {
      expect(found(text).filter(([t]) => t === 'ADDRESS')).toEqual([]);
    },
  );

  it('finds a site again where it is named without a cue', () => {
    const text = 'Transferred to Zorvath 3 overnight. Zorvath team aware of plan.';
    expect(found(text).filter(([, v]) => v === 'Zorvath')).toHaveLength(2);
  });

  it('takes lower-case names after a relation word or before a visit verb', () => {
    expect(values('communication with husband milovrek.')).toContain('milovrek');
    expect(values('social: george called early this am.')).toContain('george');
    expect(values('DAUGHTER-KRESSIA---CALL WITH UPDATES')).toContain('KRESSIA');
    expect(values('KEEP KOWALCZYK FAMILY AWARE OF PLAN')).toContain('KOWALCZYK');
  });

  it('takes initials and surnames after a title', () => {
    expect(values('mr J remained on pressors')).toContain('J');
    expect(values('MS KOWALCZYK IS AWAKE')).toContain('KOWALCZYK');
  });

  it('finds towns from their cues', () => {
    expect(values('pt lives with son and family in Elmsworthy.')).toContain('Elmsworthy');
    expect(values('lives in shelter in Quarrydale area')).toContain('Quarrydale');
    expect(values('visited the grelton maryland site')).toContain('grelton');
    expect(values('insulin per U Maryland scale')).toContain('U Maryland');
  });
});
