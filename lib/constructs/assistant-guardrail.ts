import { createHash } from 'node:crypto';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface AssistantGuardrailProps {
  /** Guardrail name: letters, digits, "-" and "_" (at most 50 characters). */
  readonly name: string;
  /** Encrypts the guardrail definition at rest; callers need kms:Decrypt on it. */
  readonly encryptionKey: kms.IKey;
}

/** Shown to the patient when a message or a reply is blocked: never the reason, always a next step. */
const BLOCKED_INPUT =
  "I can't help with that here. For questions about a diagnosis or your medicines, please contact the clinic " +
  'or send a message to your care team. If this is an emergency, call 911 (or 988 for a mental-health crisis).';
const BLOCKED_OUTPUT =
  "I can't answer that safely. Please contact the clinic or send a message to your care team. " +
  'If this is an emergency, call 911 (or 988 for a mental-health crisis).';

/**
 * The assistant's Bedrock Guardrail and a published version of it (DESIGN.md "The assistant",
 * step 3): prompt-attack filter, harmful-content filters, PII filters and the two denied topics
 * (diagnosis, medication dosing). The deterministic red-flag screen runs before the model; this is
 * the model-side backstop, applied to every Converse call by id and version.
 */
export class AssistantGuardrail extends Construct {
  readonly guardrail: bedrock.CfnGuardrail;
  readonly version: bedrock.CfnGuardrailVersion;
  readonly guardrailId: string;
  readonly guardrailArn: string;
  /** Published version number; the runtime pins it instead of using the mutable DRAFT. */
  readonly guardrailVersion: string;

  constructor(scope: Construct, id: string, props: AssistantGuardrailProps) {
    super(scope, id);

    const policies = {
      contentPolicyConfig: {
        filtersConfig: [
          // Prompt attacks only make sense on input; Bedrock requires output strength NONE for them.
          { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
          { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
          { type: 'INSULTS', inputStrength: 'HIGH', outputStrength: 'HIGH' },
          { type: 'MISCONDUCT', inputStrength: 'HIGH', outputStrength: 'HIGH' },
          // MEDIUM, not HIGH: patients describe injuries and sexual-health symptoms in clinical words.
          { type: 'VIOLENCE', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
          { type: 'SEXUAL', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
        ],
      },
      sensitiveInformationPolicyConfig: {
        // The minimizer already replaces identifiers with placeholders; these catch what it misses.
        piiEntitiesConfig: [
          ...['NAME', 'EMAIL', 'PHONE', 'ADDRESS', 'AGE', 'IP_ADDRESS', 'USERNAME'].map((type) => ({
            type,
            action: 'ANONYMIZE',
          })),
          ...[
            'US_SOCIAL_SECURITY_NUMBER',
            'US_PASSPORT_NUMBER',
            'DRIVER_ID',
            'US_BANK_ACCOUNT_NUMBER',
            'CREDIT_DEBIT_CARD_NUMBER',
            'PASSWORD',
            'AWS_ACCESS_KEY',
            'AWS_SECRET_KEY',
          ].map((type) => ({ type, action: 'BLOCK' })),
        ],
        regexesConfig: [
          {
            name: 'MedicalRecordNumber',
            description: 'Clinic medical record numbers written as "MRN 1234567"',
            pattern: '\\bMRN[\\s:#-]*\\d{5,12}\\b',
            action: 'ANONYMIZE',
          },
        ],
      },
      topicPolicyConfig: {
        topicsConfig: [
          {
            name: 'Diagnosis',
            type: 'DENY',
            definition:
              'Stating or confirming what disease or condition a person has, or ruling one out, based on their symptoms, results or history.',
            examples: [
              'Do I have diabetes?',
              'What is wrong with me based on these symptoms?',
              'Is this rash cancer?',
              'Does my lab result mean I have kidney disease?',
            ],
          },
          {
            name: 'Medication dosing',
            type: 'DENY',
            definition:
              'Advice on how much of a medicine to take, how often, or when to start, stop, skip or change a dose.',
            examples: [
              'How many ibuprofen can I take at once?',
              'Should I double my insulin dose tonight?',
              'Can I stop taking my blood pressure pills?',
              'What dose of amoxicillin should my child take?',
            ],
          },
        ],
      },
    } satisfies Pick<
      bedrock.CfnGuardrailProps,
      'contentPolicyConfig' | 'sensitiveInformationPolicyConfig' | 'topicPolicyConfig'
    >;

    this.guardrail = new bedrock.CfnGuardrail(this, 'Guardrail', {
      name: props.name,
      description:
        'Wellgate patient assistant: prompt attacks, harmful content, PII, no diagnosis or dosing.',
      blockedInputMessaging: BLOCKED_INPUT,
      blockedOutputsMessaging: BLOCKED_OUTPUT,
      kmsKeyArn: props.encryptionKey.keyArn,
      ...policies,
    });

    // A guardrail version is immutable and only created with the resource: the digest of the
    // policies in the description replaces the version (publishing a new one) whenever they change.
    const digest = createHash('sha256')
      .update(JSON.stringify({ policies, BLOCKED_INPUT, BLOCKED_OUTPUT }))
      .digest('hex')
      .slice(0, 16);
    this.version = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `Wellgate assistant guardrail, policies ${digest}`,
    });

    this.guardrailId = this.guardrail.attrGuardrailId;
    this.guardrailArn = this.guardrail.attrGuardrailArn;
    this.guardrailVersion = this.version.attrVersion;
  }
}
