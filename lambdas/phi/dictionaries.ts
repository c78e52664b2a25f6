/**
 * Large public lexicons for the Philter-style "safe word" test: a word that is neither English nor
 * clinical vocabulary is unusual enough to be an identifier when a context cue points at it, and a
 * given name or surname that is not also an English word can be taken on its own.
 *
 * Sources (npm, MIT): `humannames` (~197K given names and surnames) and `an-array-of-english-words`
 * (~275K words). Together they add about 6.3 MB of JSON to a bundle that imports lambdas/phi; they
 * are parsed and turned into Sets once per process, at module load (tens of milliseconds of a cold
 * start), never per call.
 */
import englishWords from 'an-array-of-english-words';
import humanNames from 'humannames';
import { CLINICAL_WORDS, COMMON_WORDS } from './lexicon';

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/u));

/**
 * Clinical shorthand, drug names and device eponyms that the English list lacks and the name list
 * happens to hold ("hr", "neo", "vanco", "hickman"): generic vocabulary of any clinical note, kept
 * here so neither the name test nor the unknown-word test takes them for identifiers.
 */
export const CLINICAL_ABBREVIATIONS = words(`
abd abg abgs abx ac ace acls ada adl adls afib aflutter alb alk amio amt amts anc ap apap aptt ards arf art
asa asap atb ativan atl av avr avss bal bbs bid bilat bili bipap bm bmp bp bpm br brady bs bun bx cabg cad
cath cbc cc ccu chf chol ci cipro ck cmp cmv co copd cp cpap cpr cr crea creat crrt cs csf ct cta cv cva cvl
cvp cx cxr dc dec dispo dk dm dnr dni dopp dsd dvt dx ecg echo ed eeg egd ekg endo ent esp ett ew ext fen
ffp fi fio fr fs fx gi gluc gt gtt gu hct hd hep hgb hob hosp hr hrs htn huo hx iabp icd icu ie ij im inr
io ir iv ivf jp jvd kcl kub lasix le lente levo lft lfts lg ll loc lopressor lue lul lll maint map mcg meq
mech mg mi micu min mins mivf mn mr mri ms mso mt mvr nad neb neo neph ng ngt nh nicu nitro nkda noc npo
nrb ns nsg nsr ntg oob or osa ot pa paline pacu pao pca pcwp pe peep peg perl perla perrl perrla picc picu
plt pm pna po pr prbc prn ps psv pt ptt pvc qd qhs qid ra raf rbc resp ri riss rll rm rn ros rr rt rue rul
rx sa sao sat sats sbp sc sero sicu sig simv sl sm sob sr svr sx sxn sys tc tee tf th thurs tid tlc tol
tpn trach tv tx uo uop uti va vanco vap vat vent vm vo vs vss vt vue wbc wnl
cordis doppler fick hickman quinton shiley passy muir hoyer bair ganz kling genta colace contin supp vit
aug sept oct nov jan feb mar apr jun jul
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu fri sat sun
carevue careview flowsheet overnoc osh usoh pcu csru vicu micu pmicu cvvh cvvhd sb ph pmh imv ep gsh midnoc vtach mgso angio eval vea bil pearla venti zoll chem prox coord dept anest
`);

const ENGLISH: ReadonlySet<string> = new Set(englishWords);

/** True for a word that a reader would not find in an English or clinical dictionary. */
export function isUnknownWord(lower: string): boolean {
  return (
    !ENGLISH.has(lower) &&
    !CLINICAL_ABBREVIATIONS.has(lower) &&
    !CLINICAL_WORDS.has(lower) &&
    !COMMON_WORDS.has(lower)
  );
}

/**
 * Given names and surnames (lower case, three letters or more) that are not English words or
 * clinical shorthand: "suzette", "kowalczyk", but not "will", "rose" or "neo".
 */
export const DISTINCT_NAMES: ReadonlySet<string> = (() => {
  const out = new Set<string>();
  for (const name of Object.keys(humanNames)) {
    if (name.length < 3) continue;
    const lower = name.toLowerCase();
    if (isUnknownWord(lower)) out.add(lower);
  }
  return out;
})();

/** True for an English word (lower case), e.g. to tell "Harbor" from "Quartermain". */
export const isEnglish = (lower: string): boolean => ENGLISH.has(lower);
