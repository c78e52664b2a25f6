/**
 * MedicalEntityDetector over Amazon Comprehend Medical DetectEntitiesV2
 * (https://docs.aws.amazon.com/comprehend-medical/latest/api/API_DetectEntitiesV2.html).
 * Comprehend Medical reads English only, so the caller sends English or translated text.
 */
import { type ComprehendMedicalClient, DetectEntitiesV2Command } from '@aws-sdk/client-comprehendmedical';
import { z } from 'zod';
import { ENTITY_TRAITS, type EntityTrait, type MedicalEntity, type MedicalEntityDetector } from './ports';

/** DetectEntitiesV2 `Text`: "fewer than 20,000 bytes" of UTF-8 (API reference). */
export const MAX_TEXT_BYTES = 19_999;

/** Default minimum trait score: the port promises traits scored at least 0.5. */
export const DEFAULT_MIN_TRAIT_SCORE = 0.5;

export interface ComprehendMedicalEntityDetectorOptions {
  /** Narrow view of the client: only `send` is used (tests pass a mocked client). */
  readonly client: Pick<ComprehendMedicalClient, 'send'>;
  /** Traits scored below this are dropped. Default 0.5. */
  readonly minTraitScore?: number;
}

const TRAIT_NAMES: ReadonlySet<string> = new Set(ENTITY_TRAITS);

// The response is parsed entity by entity: one malformed entity is skipped, not the whole answer.
const EntitySchema = z.object({
  Text: z.string().min(1),
  Category: z.string().min(1),
  Type: z.string().min(1),
  Score: z.number().min(0).max(1),
  BeginOffset: z.number().int().nonnegative(),
  EndOffset: z.number().int().nonnegative(),
  Traits: z.array(z.unknown()).optional(),
});
const TraitSchema = z.object({ Name: z.string(), Score: z.number() });

export class ComprehendMedicalEntityDetector implements MedicalEntityDetector {
  readonly name = 'comprehend-medical' as const;
  private readonly minTraitScore: number;

  constructor(private readonly options: ComprehendMedicalEntityDetectorOptions) {
    const min = options.minTraitScore ?? DEFAULT_MIN_TRAIT_SCORE;
    if (!(min >= 0 && min <= 1)) throw new RangeError('minTraitScore must be between 0 and 1');
    this.minTraitScore = min;
  }

  async detect(text: string, signal: AbortSignal): Promise<readonly MedicalEntity[]> {
    signal.throwIfAborted();
    const sent = truncateUtf8(text, MAX_TEXT_BYTES);
    // The API rejects empty text (minimum length 1).
    if (sent.trim() === '') return [];
    const response = await this.options.client.send(new DetectEntitiesV2Command({ Text: sent }), {
      abortSignal: signal,
    });
    const toIndex = codePointToIndex(sent);
    const entities: MedicalEntity[] = [];
    for (const raw of response.Entities ?? []) {
      const parsed = EntitySchema.safeParse(raw);
      if (!parsed.success) continue;
      const entity = parsed.data;
      const beginOffset = toIndex(entity.BeginOffset);
      const endOffset = toIndex(entity.EndOffset);
      if (beginOffset === undefined || endOffset === undefined || endOffset < beginOffset) continue;
      entities.push({
        text: entity.Text,
        category: entity.Category,
        type: entity.Type,
        score: entity.Score,
        beginOffset,
        endOffset,
        traits: this.traitsOf(entity.Traits ?? []),
      });
    }
    return entities;
  }

  private traitsOf(traits: readonly unknown[]): EntityTrait[] {
    const names = new Set<EntityTrait>();
    for (const raw of traits) {
      const trait = TraitSchema.safeParse(raw);
      if (!trait.success || trait.data.Score < this.minTraitScore) continue;
      if (isEntityTrait(trait.data.Name)) names.add(trait.data.Name);
    }
    return [...names];
  }
}

function isEntityTrait(name: string): name is EntityTrait {
  return TRAIT_NAMES.has(name);
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut between code points
 * (never inside a surrogate pair or a multi-byte sequence).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 units).
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * Comprehend Medical offsets count code points; the port's offsets index the JavaScript string
 * (UTF-16 code units), so they differ after any character outside the Basic Multilingual Plane.
 * Undefined for an offset past the end of the text.
 */
function codePointToIndex(text: string): (offset: number) => number | undefined {
  const indexes: number[] = [];
  let index = 0;
  for (const char of text) {
    indexes.push(index);
    index += char.length;
  }
  indexes.push(index);
  return (offset) => indexes[offset];
}
