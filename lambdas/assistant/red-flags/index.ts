export { CONCEPTS, type ConceptId } from './concepts';
export { detectLanguage, type MessageLanguage } from './language';
export {
  CARE_CATEGORIES,
  CARE_PROTOCOLS,
  type CareCategory,
  EMERGENCY_CATEGORIES,
  EMERGENCY_PROTOCOLS,
  type EmergencyCategory,
  INGESTION_CATEGORIES,
} from './protocols';
export {
  type AnswerLanguage,
  CARE_RESPONSES,
  CONTACT_NUMBERS,
  contact,
  EMERGENCY_RESPONSES,
  type EmergencyContactSpec,
  SAFETY_FLOOR,
} from './responses';
export {
  careGuidance,
  type EmergencyAnswer,
  emergencyAnswer,
  RedFlagScreen,
  type RuleHit,
  type ScreenResult,
  type Suppression,
} from './screen';
export { editDistance, normalize, SpellingTolerance } from './text';
