/**
 * A medical entity detector's opinion (Comprehend Medical DetectEntitiesV2 in AWS): the entities it
 * found affirmed, by its own assertion traits (not NEGATION, PAST_HISTORY, HYPOTHETICAL or FUTURE;
 * a family member's DIAGNOSIS is family history), screened by the same protocols. A second
 * assertion judge: where ConText suppressed a mention the detector calls current, this layer can
 * still raise the answer, never lower it.
 */
import type { MedicalEntity } from '../second-opinion/ports';
import type { EmergencyCategory } from './protocols';
import type { RedFlagScreen } from './screen';

const CLINICAL_CATEGORIES = new Set(['MEDICAL_CONDITION', 'ANATOMY', 'MEDICATION']);
const NOT_CURRENT = new Set(['NEGATION', 'PAST_HISTORY', 'HYPOTHETICAL', 'FUTURE']);

export interface EntityOpinion {
  readonly level: 'emergency' | 'urgent' | 'none';
  readonly categories: readonly EmergencyCategory[];
}

export function entityOpinion(
  _text: string,
  entities: readonly MedicalEntity[],
  screen: RedFlagScreen,
): EntityOpinion {
  const affirmed = entities
    .filter((e) => CLINICAL_CATEGORIES.has(e.category))
    .filter((e) => !e.traits.some((trait) => NOT_CURRENT.has(trait)))
    .filter((e) => !(e.traits.includes('PERTAINS_TO_FAMILY') && e.traits.includes('DIAGNOSIS')))
    .sort((a, b) => a.beginOffset - b.beginOffset);
  if (affirmed.length === 0) return { level: 'none', categories: [] };
  const result = screen.screen(affirmed.map((e) => e.text).join(' '));
  if (result.disposition === 'emergency')
    return { level: 'emergency', categories: result.emergencyCategories };
  return { level: result.disposition === 'urgent' ? 'urgent' : 'none', categories: [] };
}
