/**
 * The fixed answers of the screen, in English and Spanish (ACA section 1557: meaningful access
 * for people with limited English proficiency). Each emergency category names its number first
 * and one first-aid line from the source cited beside its protocol; never a diagnosis, never a
 * dose. Spanish wording follows MedlinePlus en español and the Spanish pages of the 988 Lifeline,
 * Poison Control and the National Domestic Violence Hotline.
 */
import type { CareCategory, EmergencyCategory } from './protocols';

export type AnswerLanguage = 'en' | 'es';

export interface EmergencyContactSpec {
  readonly label: string;
  readonly number: string;
}

type Localized = Readonly<Record<AnswerLanguage, string>>;

const CONTACT_LABELS = {
  emergency: { en: 'Emergency services', es: 'Servicios de emergencia' },
  crisis: {
    en: '988 Suicide & Crisis Lifeline (call or text)',
    es: '988 Línea de Prevención del Suicidio y Crisis (llame o envíe un texto)',
  },
  poison: { en: 'Poison Control', es: 'Centro de Toxicología (Poison Control)' },
  domesticViolence: {
    en: 'National Domestic Violence Hotline',
    es: 'Línea Nacional sobre la Violencia Doméstica',
  },
  childAbuse: {
    en: 'Childhelp National Child Abuse Hotline',
    es: 'Línea Nacional Childhelp contra el Abuso Infantil',
  },
} as const satisfies Record<string, Localized>;

export const CONTACT_NUMBERS = {
  emergency: '911',
  crisis: '988',
  poison: '1-800-222-1222',
  domesticViolence: '1-800-799-7233',
  childAbuse: '1-800-422-4453',
} as const satisfies Record<keyof typeof CONTACT_LABELS, string>;
export type ContactKind = keyof typeof CONTACT_NUMBERS;

export function contact(kind: ContactKind, language: AnswerLanguage): EmergencyContactSpec {
  return { label: CONTACT_LABELS[kind][language], number: CONTACT_NUMBERS[kind] };
}

export interface CategoryResponse {
  readonly text: Localized;
  /** In the order the patient should call; the first is the category's number. */
  readonly contacts: readonly ContactKind[];
}

const CALL_911: Localized = { en: 'Call 911 now.', es: 'Llame al 911 ahora.' };
const call911 = (en: string, es: string): Localized => ({
  en: `${CALL_911.en} ${en}`,
  es: `${CALL_911.es} ${es}`,
});

export const EMERGENCY_RESPONSES: Readonly<Record<EmergencyCategory, CategoryResponse>> = {
  unresponsive: {
    text: call911(
      'If they are not breathing normally, the dispatcher will guide you through CPR.',
      'Si no respira con normalidad, la operadora le guiará para hacer RCP.',
    ),
    contacts: ['emergency'],
  },
  breathing: {
    text: call911(
      'Severe trouble breathing or blue or gray lips is an emergency. Use a prescribed rescue inhaler on the way if there is one.',
      'La dificultad grave para respirar o los labios azules o grises son una emergencia. Si hay un inhalador de rescate recetado, úselo mientras llega la ayuda.',
    ),
    contacts: ['emergency'],
  },
  choking: {
    text: call911(
      'If the person cannot cough, speak or breathe, give back blows and abdominal thrusts (for a baby, back blows and chest thrusts).',
      'Si la persona no puede toser, hablar ni respirar, dé golpes en la espalda y compresiones abdominales (en un bebé, golpes en la espalda y compresiones en el pecho).',
    ),
    contacts: ['emergency'],
  },
  seizure: {
    text: call911(
      'Keep the person safe from injury, turn them onto their side, and do not put anything in their mouth.',
      'Proteja a la persona de golpes, póngala de lado y no le meta nada en la boca.',
    ),
    contacts: ['emergency'],
  },
  drowning: {
    text: call911(
      'Anyone pulled from water after going under needs to be checked, even if they seem fine. If they are not breathing, start CPR.',
      'Toda persona sacada del agua después de hundirse debe ser revisada, aunque parezca estar bien. Si no respira, empiece RCP.',
    ),
    contacts: ['emergency'],
  },
  'suicide-self-harm': {
    text: {
      en: "I'm really sorry this is happening, and I'm glad you told me. Call or text 988, the Suicide & Crisis Lifeline, right now to talk with someone. If someone has already been hurt, has taken something, or is in immediate danger, call 911.",
      es: 'Siento mucho que esto esté pasando y me alegra que me lo haya dicho. Llame o envíe un texto al 988, la Línea de Prevención del Suicidio y Crisis, ahora mismo para hablar con alguien (oprima 2 para español). Si alguien ya se lastimó, tomó algo o está en peligro inmediato, llame al 911.',
    },
    contacts: ['crisis', 'emergency'],
  },
  'violence-to-others': {
    text: call911(
      'Get yourself and others to a safe place. For a mental-health crisis you can also call or text 988.',
      'Póngase usted y a los demás en un lugar seguro. Para una crisis de salud mental también puede llamar o enviar un texto al 988.',
    ),
    contacts: ['emergency', 'crisis'],
  },
  'domestic-violence': {
    text: call911(
      'If you are not safe, get to a safe place if you can. The National Domestic Violence Hotline (1-800-799-7233, or text START to 88788) is free and confidential, 24 hours a day.',
      'Si no está segura o seguro, vaya a un lugar seguro si puede. La Línea Nacional sobre la Violencia Doméstica (1-800-799-7233) es gratuita y confidencial, las 24 horas.',
    ),
    contacts: ['emergency', 'domesticViolence'],
  },
  'child-abuse': {
    text: call911(
      'If a child is in danger, keep them away from the person hurting them. The Childhelp hotline (1-800-422-4453) answers 24 hours a day.',
      'Si un niño está en peligro, manténgalo lejos de la persona que lo lastima. La línea Childhelp (1-800-422-4453) atiende las 24 horas.',
    ),
    contacts: ['emergency', 'childAbuse'],
  },
  'pediatric-ingestion': {
    text: {
      en: 'Call Poison Control now at 1-800-222-1222 (free, 24 hours), even if your child seems fine. A swallowed button battery or magnet needs the emergency room right away. If your child is hard to wake, having a seizure or having trouble breathing, call 911.',
      es: 'Llame ahora al Centro de Toxicología al 1-800-222-1222 (gratis, las 24 horas), aunque su hijo parezca estar bien. Si se tragó una pila de botón o un imán, vaya a la sala de emergencias de inmediato. Si le cuesta despertar, tiene una convulsión o le cuesta respirar, llame al 911.',
    },
    contacts: ['poison', 'emergency'],
  },
  poisoning: {
    text: {
      en: 'Call Poison Control now at 1-800-222-1222 (free, 24 hours). Have the bottle or package with you. If the person is hard to wake, having a seizure or having trouble breathing, call 911.',
      es: 'Llame ahora al Centro de Toxicología al 1-800-222-1222 (gratis, las 24 horas). Tenga a mano el frasco o el paquete. Si a la persona le cuesta despertar, tiene una convulsión o le cuesta respirar, llame al 911.',
    },
    contacts: ['poison', 'emergency'],
  },
  'eye-chemical': {
    text: {
      en: 'Rinse the eye with lukewarm running water for 15 minutes now, and call Poison Control at 1-800-222-1222. If vision is lost or the pain is severe, call 911.',
      es: 'Enjuague el ojo con agua tibia corriente durante 15 minutos ahora y llame al Centro de Toxicología al 1-800-222-1222. Si pierde la vista o el dolor es fuerte, llame al 911.',
    },
    contacts: ['poison', 'emergency'],
  },
  cardiac: {
    text: call911(
      'Chest, jaw, arm or upper-belly discomfort like this can be a sign of a heart attack. Do not drive yourself to the hospital.',
      'Una molestia así en el pecho, la mandíbula, el brazo o la parte alta del abdomen puede ser un ataque al corazón. No maneje usted al hospital.',
    ),
    contacts: ['emergency'],
  },
  'aortic-dissection': {
    text: call911(
      'Sudden, severe tearing or ripping pain in the chest or back needs emergency care. Do not drive yourself.',
      'Un dolor repentino y fuerte, como si algo se desgarrara, en el pecho o la espalda necesita atención de emergencia. No maneje usted.',
    ),
    contacts: ['emergency'],
  },
  stroke: {
    text: call911(
      'Face drooping, arm or leg weakness, trouble speaking, or sudden confusion or loss of vision can be signs of a stroke. Note the time the symptoms started.',
      'La cara caída, la debilidad en un brazo o pierna, la dificultad para hablar o la confusión o pérdida de visión repentinas pueden ser un derrame cerebral. Anote la hora en que empezaron los síntomas.',
    ),
    contacts: ['emergency'],
  },
  'thunderclap-headache': {
    text: call911(
      'A sudden, severe headache, the worst you have ever had, needs emergency care.',
      'Un dolor de cabeza repentino y muy fuerte, el peor de su vida, necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  anaphylaxis: {
    text: call911(
      'This may be a severe allergic reaction. If there is a prescribed epinephrine auto-injector, use it as its label directs, and call 911 even if things improve.',
      'Puede ser una reacción alérgica grave. Si hay un autoinyector de epinefrina recetado, úselo como indica la etiqueta y llame al 911 aunque mejore.',
    ),
    contacts: ['emergency'],
  },
  'severe-bleeding': {
    text: call911(
      'Press firmly on the wound with a clean cloth and keep pressing while you wait.',
      'Presione firmemente la herida con un paño limpio y no deje de presionar mientras espera.',
    ),
    contacts: ['emergency'],
  },
  'gi-bleeding': {
    text: call911(
      'Vomiting blood, or black or bloody stools with faintness, needs emergency care. Do not eat or drink until you are seen.',
      'Vomitar sangre, o tener heces negras o con sangre con mareo, necesita atención de emergencia. No coma ni beba hasta que le atiendan.',
    ),
    contacts: ['emergency'],
  },
  'pulmonary-embolism': {
    text: call911(
      'Sudden shortness of breath or chest pain when breathing, especially after surgery, travel or with a swollen leg, needs emergency care.',
      'La falta de aire repentina o el dolor en el pecho al respirar, sobre todo después de una cirugía, un viaje o con una pierna hinchada, necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  'head-injury': {
    text: call911(
      'A head injury with vomiting, confusion, drowsiness, passing out, or while taking a blood thinner needs emergency care.',
      'Un golpe en la cabeza con vómito, confusión, somnolencia, desmayo, o si toma anticoagulantes, necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  'infant-fever': {
    text: {
      en: 'A fever of 100.4 °F (38 °C) or higher in a baby younger than 3 months needs to be checked right away. Call 911 or go to the nearest emergency department now.',
      es: 'Una fiebre de 100.4 °F (38 °C) o más en un bebé menor de 3 meses debe revisarse de inmediato. Llame al 911 o vaya ahora a la sala de emergencias más cercana.',
    },
    contacts: ['emergency'],
  },
  'infant-dehydration': {
    text: {
      en: 'A baby or young child with no wet diapers, no tears, a sunken soft spot or unusual sleepiness needs care now. Call 911 or go to the nearest emergency department.',
      es: 'Un bebé o niño pequeño sin pañales mojados, sin lágrimas, con la mollera hundida o muy dormido necesita atención ahora. Llame al 911 o vaya a la sala de emergencias más cercana.',
    },
    contacts: ['emergency'],
  },
  hypoglycemia: {
    text: call911(
      'If the person is confused, very drowsy, having a seizure or cannot swallow safely, do not give food or drink by mouth. If they are awake and can swallow, give fast sugar (juice or glucose tablets) while you wait.',
      'Si la persona está confundida, muy dormida, con convulsiones o no puede tragar bien, no le dé nada por la boca. Si está despierta y puede tragar, dele azúcar rápida (jugo o tabletas de glucosa) mientras espera.',
    ),
    contacts: ['emergency'],
  },
  dka: {
    text: call911(
      'A very high blood sugar with vomiting, fruity breath, deep fast breathing or drowsiness needs emergency care.',
      'El azúcar muy alto con vómito, aliento a fruta, respiración rápida y profunda o somnolencia necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  sepsis: {
    text: call911(
      'An infection with confusion, shaking chills, a racing heart or cold, blotchy skin needs emergency care. Say that you are worried about sepsis.',
      'Una infección con confusión, escalofríos fuertes, corazón acelerado o piel fría y manchada necesita atención de emergencia. Diga que le preocupa una sepsis.',
    ),
    contacts: ['emergency'],
  },
  meningitis: {
    text: call911(
      'Fever with a stiff neck, or a rash that does not fade when a glass is pressed on it, needs emergency care.',
      'La fiebre con el cuello rígido, o un sarpullido que no desaparece al presionar un vaso sobre él, necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  'acute-abdomen': {
    text: call911(
      'Severe belly pain, a hard belly, or pain that is worse when moving, with fever or vomiting, needs emergency care. Do not eat or drink until you are seen.',
      'El dolor de barriga fuerte, la barriga dura o el dolor que empeora al moverse, con fiebre o vómito, necesita atención de emergencia. No coma ni beba hasta que le atiendan.',
    ),
    contacts: ['emergency'],
  },
  'bowel-obstruction': {
    text: call911(
      'Vomiting with a swollen belly and no stool or gas needs emergency care. Do not eat or drink until you are seen.',
      'El vómito con la barriga hinchada y sin evacuar ni echar gases necesita atención de emergencia. No coma ni beba hasta que le atiendan.',
    ),
    contacts: ['emergency'],
  },
  'testicular-torsion': {
    text: call911(
      'Sudden or severe pain or swelling in a testicle needs emergency care within hours. Go to the emergency department now.',
      'El dolor o la hinchazón repentinos o fuertes en un testículo necesitan atención de emergencia en pocas horas. Vaya ahora a la sala de emergencias.',
    ),
    contacts: ['emergency'],
  },
  'ectopic-pregnancy': {
    text: call911(
      'One-sided belly pain, shoulder-tip pain, bleeding or fainting in early pregnancy needs emergency care now.',
      'El dolor en un lado del vientre, dolor en la punta del hombro, sangrado o desmayo al inicio del embarazo necesita atención de emergencia ahora.',
    ),
    contacts: ['emergency'],
  },
  'pregnancy-emergency': {
    text: call911(
      'Heavy bleeding, a severe headache with vision changes, or your waters breaking early in pregnancy or after birth needs emergency care. Tell them you are pregnant or recently gave birth.',
      'El sangrado abundante, un dolor de cabeza fuerte con cambios en la vista o romper fuente antes de tiempo, en el embarazo o después del parto, necesita atención de emergencia. Diga que está embarazada o que dio a luz hace poco.',
    ),
    contacts: ['emergency'],
  },
  'fetal-movement': {
    text: {
      en: "If your baby is moving less than usual or you can't feel movements, call your maternity unit or labor and delivery now; do not wait until tomorrow. If you cannot reach them, call 911.",
      es: 'Si su bebé se mueve menos de lo normal o no siente movimientos, llame ahora a su unidad de maternidad o a labor y parto; no espere a mañana. Si no puede comunicarse, llame al 911.',
    },
    contacts: ['emergency'],
  },
  'heat-stroke': {
    text: call911(
      'Move the person to a cool place, remove extra clothing and cool them with cold water or wet cloths while you wait. Do not give fluids if they are confused.',
      'Lleve a la persona a un lugar fresco, quítele ropa de más y enfríela con agua fría o paños mojados mientras espera. No le dé líquidos si está confundida.',
    ),
    contacts: ['emergency'],
  },
  hypothermia: {
    text: call911(
      'Move the person somewhere warm, remove wet clothing and cover them with dry blankets while you wait. Handle them gently.',
      'Lleve a la persona a un lugar cálido, quítele la ropa mojada y cúbrala con mantas secas mientras espera. Muévala con cuidado.',
    ),
    contacts: ['emergency'],
  },
  burns: {
    text: call911(
      'Cool the burn under cool (not ice-cold) running water for 20 minutes, remove jewelry and clothing that is not stuck, and cover it loosely with clean plastic wrap or a clean cloth.',
      'Enfríe la quemadura con agua fresca corriente (no helada) durante 20 minutos, quite joyas y ropa que no esté pegada y cúbrala sin apretar con plástico o un paño limpio.',
    ),
    contacts: ['emergency'],
  },
  'electrical-injury': {
    text: call911(
      'Do not touch the person until the power is off. Every electrical injury needs to be checked, even if the skin looks fine.',
      'No toque a la persona hasta que la corriente esté apagada. Toda lesión eléctrica debe revisarse, aunque la piel se vea bien.',
    ),
    contacts: ['emergency'],
  },
  'carbon-monoxide': {
    text: call911(
      'Get everyone, including pets, out into fresh air now and do not go back inside. Carbon monoxide has no smell.',
      'Saque a todos, también a las mascotas, al aire libre ahora y no vuelvan a entrar. El monóxido de carbono no tiene olor.',
    ),
    contacts: ['emergency'],
  },
  'cauda-equina': {
    text: call911(
      'Back pain with numbness between the legs, or trouble controlling your bladder or bowels, needs emergency care today, not a routine visit.',
      'El dolor de espalda con adormecimiento entre las piernas, o dificultad para controlar la orina o las heces, necesita atención de emergencia hoy, no una cita de rutina.',
    ),
    contacts: ['emergency'],
  },
  paralysis: {
    text: call911(
      'Sudden loss of movement or feeling needs emergency care. If this followed an injury, keep the neck and back still.',
      'La pérdida repentina de movimiento o sensibilidad necesita atención de emergencia. Si ocurrió después de un golpe, no mueva el cuello ni la espalda.',
    ),
    contacts: ['emergency'],
  },
  'vision-loss': {
    text: call911(
      'Sudden loss of vision, or a curtain or shadow over the eye, needs emergency care now, even if it is painless.',
      'La pérdida repentina de la vista, o una cortina o sombra sobre el ojo, necesita atención de emergencia ahora, aunque no duela.',
    ),
    contacts: ['emergency'],
  },
  'hypertensive-emergency': {
    text: call911(
      'A blood pressure of 180/120 or higher with headache, chest pain, confusion, vision changes or weakness needs emergency care.',
      'Una presión de 180/120 o más con dolor de cabeza, dolor de pecho, confusión, cambios en la vista o debilidad necesita atención de emergencia.',
    ),
    contacts: ['emergency'],
  },
  'sickle-cell-crisis': {
    text: call911(
      'With sickle cell disease, chest pain, fever, trouble breathing or severe pain needs emergency care. Tell them about the sickle cell disease.',
      'Con anemia de células falciformes, el dolor de pecho, la fiebre, la dificultad para respirar o el dolor fuerte necesitan atención de emergencia. Avise que tiene esta enfermedad.',
    ),
    contacts: ['emergency'],
  },
};

export const CARE_RESPONSES: Readonly<Record<CareCategory, Localized>> = {
  'chest-pain': {
    en: 'Chest pain should be checked today. Please call the clinic now or go to urgent care. If the pain is crushing, spreads to your arm, jaw or back, or comes with sweating or shortness of breath, call 911.',
    es: 'El dolor de pecho debe revisarse hoy. Llame a la clínica ahora o vaya a atención urgente. Si el dolor aprieta, se extiende al brazo, la mandíbula o la espalda, o viene con sudor o falta de aire, llame al 911.',
  },
  breathing: {
    en: 'Shortness of breath should be checked today. Please call the clinic or go to urgent care. If you are struggling to breathe or your lips turn blue or gray, call 911.',
    es: 'La falta de aire debe revisarse hoy. Llame a la clínica o vaya a atención urgente. Si le cuesta mucho respirar o los labios se ponen azules o grises, llame al 911.',
  },
  'high-fever': {
    en: 'A high or long-lasting fever, or fever in a child, should be checked today. Please call the clinic or go to urgent care, and drink fluids.',
    es: 'Una fiebre alta o que dura, o la fiebre en un niño, debe revisarse hoy. Llame a la clínica o vaya a atención urgente, y tome líquidos.',
  },
  dehydration: {
    en: 'Not being able to keep fluids down can lead to dehydration. Please call the clinic today or go to urgent care.',
    es: 'No poder retener líquidos puede causar deshidratación. Llame hoy a la clínica o vaya a atención urgente.',
  },
  fainting: {
    en: 'Fainting or dizziness like this should be checked by a clinician today. Please call the clinic or go to urgent care. If it happens again, or with chest pain or trouble breathing, call 911.',
    es: 'El desmayo o mareo así debe revisarse hoy. Llame a la clínica o vaya a atención urgente. Si vuelve a pasar, o con dolor de pecho o dificultad para respirar, llame al 911.',
  },
  'head-injury': {
    en: 'A head injury should be checked if a headache gets worse, or with vomiting, drowsiness or confusion. Please call the clinic today; call 911 if any of those happen.',
    es: 'Un golpe en la cabeza debe revisarse si el dolor empeora, o con vómito, somnolencia o confusión. Llame hoy a la clínica; llame al 911 si pasa algo de eso.',
  },
  'allergic-reaction': {
    en: 'Hives or an allergic reaction without trouble breathing or swelling of the face or throat should be checked today. Call 911 if breathing becomes hard or your throat or tongue swells.',
    es: 'Las ronchas o una reacción alérgica sin dificultad para respirar ni hinchazón de la cara o la garganta deben revisarse hoy. Llame al 911 si le cuesta respirar o se le hincha la garganta o la lengua.',
  },
  'pregnancy-concern': {
    en: 'Symptoms like this during pregnancy should be discussed with your care team today. Please call the clinic. If bleeding becomes heavy, or you have severe pain or a severe headache, call 911.',
    es: 'Síntomas así durante el embarazo deben hablarse hoy con su equipo de atención. Llame a la clínica. Si el sangrado se vuelve abundante, o tiene dolor o dolor de cabeza fuertes, llame al 911.',
  },
  'urinary-infection-fever': {
    en: 'An infection together with fever should be checked today. Please call the clinic or go to urgent care.',
    es: 'Una infección con fiebre debe revisarse hoy. Llame a la clínica o vaya a atención urgente.',
  },
  'severe-pain': {
    en: 'Severe pain should be checked today. Please call the clinic or go to urgent care.',
    es: 'El dolor fuerte debe revisarse hoy. Llame a la clínica o vaya a atención urgente.',
  },
  'gi-bleeding-signs': {
    en: 'Black or bloody stools should be checked today. Please call the clinic now; if you feel faint or are vomiting blood, call 911.',
    es: 'Las heces negras o con sangre deben revisarse hoy. Llame a la clínica ahora; si se siente mareado o vomita sangre, llame al 911.',
  },
  'mental-health': {
    en: 'Thank you for telling me how you are feeling. Your care team can help, and you can book a visit or send them a message. If you ever have thoughts of harming yourself, call or text 988 any time.',
    es: 'Gracias por decirme cómo se siente. Su equipo de atención puede ayudarle; puede pedir una cita o enviarles un mensaje. Si alguna vez piensa en hacerse daño, llame o envíe un texto al 988 a cualquier hora.',
  },
  'minor-illness': {
    en: 'This sounds like something that often gets better with rest, fluids and time. Please book a visit if it lasts more than 10 days, gets worse, or you develop a high fever or trouble breathing.',
    es: 'Esto suele mejorar con descanso, líquidos y tiempo. Pida una cita si dura más de 10 días, empeora, o tiene fiebre alta o dificultad para respirar.',
  },
};

/**
 * The unsure floor: what every message with a clinical cue that no layer classified confidently
 * gets, whatever else the reply says.
 */
export const SAFETY_FLOOR: Localized = {
  en: 'Please call the clinic now to talk to a nurse. Call 911 if there is chest pain, trouble breathing, fainting, confusion, severe bleeding, weakness on one side, or a baby or child who is very unwell. For thoughts of suicide or self-harm, call or text 988. If someone swallowed something harmful, call Poison Control at 1-800-222-1222.',
  es: 'Llame a la clínica ahora para hablar con una enfermera. Llame al 911 si hay dolor de pecho, dificultad para respirar, desmayo, confusión, sangrado fuerte, debilidad de un lado o un bebé o niño muy enfermo. Si hay pensamientos de suicidio o de hacerse daño, llame o envíe un texto al 988. Si alguien tragó algo dañino, llame al Centro de Toxicología al 1-800-222-1222.',
};

export const EMERGENCY_CLOSING: Localized = {
  en: 'This assistant cannot help with emergencies; please do not wait for a reply here.',
  es: 'Este asistente no puede atender emergencias; no espere una respuesta aquí.',
};
