export {
  CARE_CATEGORIES,
  CARE_RESPONSES,
  type CareCategory,
  CONTACTS,
  EMERGENCY_RESPONSES,
  RED_FLAG_CATEGORIES,
  type RedFlagCategory,
  SCREEN_RULES,
  type ScreenRule,
} from './rules';
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
