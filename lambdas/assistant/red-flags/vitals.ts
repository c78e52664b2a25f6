/**
 * Numbers read as vitals and host facts, from the tokens of a message: blood glucose (mg/dL, or
 * mmol/L × 18; "LO"/"HI" meter readings), SpO2, blood pressure ("210/125", "210 over 125"),
 * temperature (°F, or °C converted), heart rate, a child's age and weeks of pregnancy. Each
 * reading keeps the token index of its number so the screen can apply ConText to it ("sugar was
 * 40 last year" is historical).
 */
import type { Token } from './tokens';

export interface Reading {
  readonly value: number;
  readonly index: number;
}

export interface Vitals {
  /** mg/dL; a meter's "LO" is 0 and "HI" is 600 (meters read LO below ~20 and HI above ~600). */
  readonly glucose: readonly Reading[];
  readonly spo2: readonly Reading[];
  readonly systolic: readonly Reading[];
  readonly diastolic: readonly Reading[];
  /** °F. */
  readonly temperatureF: readonly Reading[];
  readonly heartRate: readonly Reading[];
  /** Counts of tablets named in the message ("20 pastillas", "took like 30 of my pills"). */
  readonly pillCount: readonly Reading[];
  /** Ages of a child or baby, in days. */
  readonly ageDays: readonly Reading[];
  readonly pregnancyWeeks: readonly Reading[];
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  un: 1,
  una: 1,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
};

const GLUCOSE_CUES = new Set([
  'sugar',
  'sugars',
  'glucose',
  'bg',
  'bs',
  'meter',
  'glucometer',
  'dexcom',
  'cgm',
  'libre',
  'azucar',
  'glucosa',
  'glucometro',
  'reading',
  'readings',
]);
const SPO2_CUES = new Set([
  'oxygen',
  'o2',
  'sat',
  'sats',
  'saturation',
  'spo2',
  'oximeter',
  'ox',
  'oxigeno',
  'saturacion',
  'oxygenation',
]);
const BP_CUES = new Set(['bp', 'pressure', 'presion', 'tension', 'systolic']);
const TEMP_CUES = new Set([
  'fever',
  'temp',
  'temperature',
  'degrees',
  'fiebre',
  'temperatura',
  'grados',
  'calentura',
  'thermometer',
  'termometro',
]);
const HR_CUES = new Set(['pulse', 'hr', 'bpm', 'heartrate', 'pulso', 'heartbeat']);
const ALL_CUES: ReadonlySet<string> = new Set([
  ...GLUCOSE_CUES,
  ...SPO2_CUES,
  ...BP_CUES,
  ...TEMP_CUES,
  ...HR_CUES,
]);
const DAY_UNITS = new Set(['day', 'days', 'dia', 'dias']);
const WEEK_UNITS = new Set(['week', 'weeks', 'wk', 'wks', 'semana', 'semanas']);
const MONTH_UNITS = new Set(['month', 'months', 'mo', 'mos', 'mth', 'mes', 'meses']);
const YEAR_UNITS = new Set(['year', 'years', 'yr', 'yrs', 'yo', 'ano', 'anos', 'anito', 'anitos']);
/** Units after a number that make it a duration or an age, in either language. */
const DURATION_UNITS: ReadonlySet<string> = new Set([
  ...DAY_UNITS,
  ...WEEK_UNITS,
  ...MONTH_UNITS,
  ...YEAR_UNITS,
  ...['hour', 'hours', 'hr', 'hrs', 'hora', 'horas', 'minute', 'minutes', 'min', 'mins', 'minuto', 'minutos'],
]);
const TABLET_WORDS = new Set([
  'pill',
  'pills',
  'tablet',
  'tablets',
  'tabs',
  'capsules',
  'caps',
  'gummies',
  'pastillas',
  'pastilla',
  'tabletas',
  'pildoras',
  'capsulas',
  'tylenol',
  'advil',
  'ibuprofen',
  'benadryl',
  'aspirin',
  'aspirinas',
]);
/** "2 months of cough", "3 months ago": a duration, not an age. */
const DURATION_FOLLOWERS = new Set(['of', 'ago', 'now', 'since', 'later', 'and', 'in', 'de', 'hace']);
const POSSESSIVES = new Set(['my', 'our', 'his', 'her', 'their', 'mi', 'su', 'nuestro', 'nuestra']);
const CHILD_WORDS = new Set([
  'boy',
  'girl',
  'son',
  'daughter',
  'kid',
  'child',
  'infant',
  'toddler',
  'twins',
  'hijo',
  'hija',
  'nino',
  'nina',
]);
const PREGNANCY_WORDS = new Set([
  'pregnant',
  'along',
  'pregnancy',
  'embarazada',
  'embarazo',
  'gestation',
  'gestacion',
]);

function numberAt(tokens: readonly Token[], index: number): number | undefined {
  const token = tokens[index];
  if (!token) return undefined;
  return token.value ?? NUMBER_WORDS[token.word];
}

/** A cue word shortly before the number, with no other number between them ("SpO2 97, HR 78"). */
function cueBefore(
  tokens: readonly Token[],
  index: number,
  cues: ReadonlySet<string>,
  reach: number,
): boolean {
  const sentence = tokens[index]?.sentence;
  for (let i = index - 1; i >= 0 && i >= index - reach; i--) {
    const token = tokens[i];
    if (!token || token.sentence !== sentence || token.value !== undefined) return false;
    if (cues.has(token.word)) return true;
    if (ALL_CUES.has(token.word)) return false;
  }
  return false;
}

function cueAround(
  tokens: readonly Token[],
  index: number,
  cues: ReadonlySet<string>,
  reach: number,
): boolean {
  const sentence = tokens[index]?.sentence;
  for (let i = Math.max(0, index - reach); i <= index + reach && i < tokens.length; i++) {
    const token = tokens[i];
    if (token && token.sentence === sentence && i !== index && cues.has(token.word)) return true;
  }
  return false;
}

export function readVitals(tokens: readonly Token[]): Vitals {
  const glucose: Reading[] = [];
  const spo2: Reading[] = [];
  const systolic: Reading[] = [];
  const diastolic: Reading[] = [];
  const temperatureF: Reading[] = [];
  const heartRate: Reading[] = [];
  const pillCount: Reading[] = [];
  const ageDays: Reading[] = [];
  const pregnancyWeeks: Reading[] = [];

  tokens.forEach((token, index) => {
    const next = tokens[index + 1]?.word;
    const afterNext = tokens[index + 2]?.word;
    // Meter words: "meter says LO", "glucometer reads HI".
    if ((token.word === 'lo' || token.word === 'hi') && cueBefore(tokens, index, GLUCOSE_CUES, 4))
      glucose.push({ value: token.word === 'lo' ? 0 : 600, index });

    const value = token.value;
    if (value !== undefined) {
      // Blood pressure: two numbers, "210 125" (the slash is a space by now) or "210 over 125".
      const secondIndex = next === 'over' || next === 'sobre' ? index + 2 : index + 1;
      const second = tokens[secondIndex]?.value;
      if (
        second !== undefined &&
        value >= 60 &&
        value <= 300 &&
        second >= 30 &&
        second <= 200 &&
        value > second &&
        (cueAround(tokens, index, BP_CUES, 5) || next === 'over')
      ) {
        systolic.push({ value, index });
        diastolic.push({ value: second, index });
      }
      // A number with a unit of time or age is a duration, never a reading ("glucose test, 26 weeks").
      if (cueBefore(tokens, index, GLUCOSE_CUES, 5) && !DURATION_UNITS.has(next ?? '')) {
        if (next === 'mmol' && value < 35) glucose.push({ value: value * 18, index });
        else if (value >= 10 && value <= 900 && next !== 'mmol') glucose.push({ value, index });
      }
      if (
        value >= 50 &&
        value <= 100 &&
        (cueBefore(tokens, index, SPO2_CUES, 5) ||
          (next === 'percent' && cueAround(tokens, index, SPO2_CUES, 6)))
      )
        spo2.push({ value, index });
      const celsius =
        next === 'c' || next === 'celsius' || (next === 'degrees' && afterNext === 'c') || next === 'grados';
      const fahrenheit = next === 'f' || next === 'fahrenheit' || (next === 'degrees' && afterNext === 'f');
      if (celsius && value >= 34 && value <= 43) temperatureF.push({ value: value * 1.8 + 32, index });
      else if (
        value >= 93 &&
        value <= 110 &&
        (fahrenheit || next === 'degrees' || cueAround(tokens, index, TEMP_CUES, 5))
      )
        temperatureF.push({ value, index });
      else if (
        value >= 35 &&
        value <= 42.5 &&
        !Number.isInteger(value) &&
        cueAround(tokens, index, TEMP_CUES, 5)
      )
        temperatureF.push({ value: value * 1.8 + 32, index });
      if (value >= 30 && value <= 250 && (cueBefore(tokens, index, HR_CUES, 4) || next === 'bpm'))
        heartRate.push({ value, index });
    }

    // Ages and weeks of pregnancy: "6 week old", "two-month-old", "tiene 2 meses", "32 weeks pregnant".
    const amount = numberAt(tokens, index);
    if (amount !== undefined && next !== undefined) {
      const unitDays = DAY_UNITS.has(next)
        ? 1
        : WEEK_UNITS.has(next)
          ? 7
          : MONTH_UNITS.has(next)
            ? 30.4
            : YEAR_UNITS.has(next)
              ? 365
              : 0;
      if (unitDays > 0) {
        const pregnancy =
          WEEK_UNITS.has(next) &&
          (PREGNANCY_WORDS.has(afterNext ?? '') || cueAround(tokens, index, PREGNANCY_WORDS, 4));
        if (pregnancy && amount <= 42) pregnancyWeeks.push({ value: amount, index });
        else if (MONTH_UNITS.has(next) && cueAround(tokens, index, PREGNANCY_WORDS, 4) && amount <= 9)
          pregnancyWeeks.push({ value: amount * 4.3, index });
        else if (
          afterNext === 'old' ||
          afterNext === 'de' ||
          tokens[index - 1]?.word === 'tiene' ||
          tokens[index - 1]?.word === 'de' ||
          afterNext === 'baby' ||
          afterNext === 'bebe' ||
          tokens[index - 1]?.word === 'only' ||
          // "my 18 mo got into...", "our 4 month", or an age opening the message: "4 mo vomiting".
          POSSESSIVES.has(tokens[index - 1]?.word ?? '') ||
          CHILD_WORDS.has(afterNext ?? '') ||
          next === 'yo' ||
          (index === 0 && MONTH_UNITS.has(next) && !DURATION_FOLLOWERS.has(afterNext ?? ''))
        )
          ageDays.push({ value: amount * unitDays, index });
      }
    }
    // A count of tablets: the number, then a tablet word within two words ("20 extra strength
    // tylenol", "30 of my pills", "como 20 pastillas").
    if (amount !== undefined && amount >= 1 && amount <= 1000 && !/[.]/.test(token.word)) {
      for (let ahead = index + 1; ahead <= index + 4 && ahead < tokens.length; ahead++) {
        const word = tokens[ahead]?.word ?? '';
        if (TABLET_WORDS.has(word)) {
          pillCount.push({ value: amount, index });
          break;
        }
        if (tokens[ahead]?.value !== undefined || word === ',') break;
      }
    }
    if (token.word === 'newborn' || (token.word === 'recien' && next?.startsWith('nacid')))
      ageDays.push({ value: 14, index });
  });
  return { glucose, spo2, systolic, diastolic, temperatureF, heartRate, pillCount, ageDays, pregnancyWeeks };
}
