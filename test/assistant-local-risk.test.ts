/**
 * The local risk classifier: a naive Bayes second opinion trained on the tuning sets only. These
 * tests pin its behaviour on hand-made models and check that the committed model is the one the
 * tuning sets give (`npm run triage:train -- --check`), so a new tuning set cannot be added without
 * retraining.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  bundledLocalRiskModel,
  LocalAndBedrockRiskClassifier,
  LocalRiskClassifier,
  type LocalRiskModel,
  riskFeatures,
  riskLogOdds,
} from '../lambdas/assistant/second-opinion/local-risk';
import type { RiskClassification, RiskClassifier } from '../lambdas/assistant/second-opinion/ports';
import { TriageService } from '../lambdas/assistant/triage';

const live = (): AbortSignal => new AbortController().signal;

function model(weights: Record<string, number>, emergencyLogOdds = 2): LocalRiskModel {
  return {
    version: 1,
    trainedOn: [{ set: 'synthetic', messages: 2 }],
    priorLogOdds: 0,
    featureLogOdds: weights,
    emergencyLogOdds,
    unsureLogOdds: emergencyLogOdds - 1,
  };
}

class FixedRisk implements RiskClassifier {
  readonly name = 'bedrock-risk' as const;
  calls = 0;
  constructor(private readonly answer: RiskClassification | Error) {}
  async classify(): Promise<RiskClassification> {
    this.calls++;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

describe('riskFeatures', () => {
  it('gives stems, Spanish stems and adjacent pairs, numbers as #', () => {
    const features = riskFeatures('Lips turning blue, temp 104');
    expect(features).toEqual(expect.arrayContaining(['w:lip', 'w:turn', 'b:lip_turn', 'w:#', 'b:temp_#']));
  });

  it('does not pair words across sentences', () => {
    expect(riskFeatures('fine. blue')).not.toContain('b:fine_blue');
  });
});

describe('LocalRiskClassifier', () => {
  const classifier = new LocalRiskClassifier(model({ 'w:blue': 1.5, 'w:lip': 1, 'w:bill': -3 }));

  it('answers emergency at or above the threshold, unsure above the lower one, none below', async () => {
    expect((await classifier.classify('lips blue', 'en', live())).risk).toBe('emergency');
    expect((await classifier.classify('lips', 'en', live())).risk).toBe('unsure');
    expect((await classifier.classify('hello', 'en', live())).risk).toBe('none');
    expect((await classifier.classify('blue lips on the bill', 'en', live())).risk).toBe('none');
  });

  it('sums the prior and the features present once each', () => {
    expect(riskLogOdds(model({ 'w:blue': 1.5 }), 'blue blue blue')).toBeCloseTo(1.5);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(classifier.classify('lips blue', 'en', controller.signal)).rejects.toThrow();
  });

  it('raises a message the screen leaves urgent to emergency in the triage service', async () => {
    const service = new TriageService({ risk: new LocalRiskClassifier(model({ 'w:zorblax': 5 })) });
    const outcome = await service.triage('my zorblax is bad', 'my zorblax is bad');
    expect(outcome.disposition).toBe('emergency');
    expect(outcome.contacts[0]?.number).toBe('911');
  });
});

describe('LocalAndBedrockRiskClassifier', () => {
  const local = new LocalRiskClassifier(model({ 'w:blue': 3 }));

  it('answers a local emergency without asking Bedrock', async () => {
    const remote = new FixedRisk({ risk: 'none', category: '', evidenceSpans: [] });
    const combined = new LocalAndBedrockRiskClassifier(local, remote);
    expect((await combined.classify('blue', 'en', live())).risk).toBe('emergency');
    expect(remote.calls).toBe(0);
  });

  it('otherwise returns Bedrock, errors included', async () => {
    const urgent = new FixedRisk({ risk: 'urgent', category: 'cardiac', evidenceSpans: [] });
    expect((await new LocalAndBedrockRiskClassifier(local, urgent).classify('hi', 'en', live())).risk).toBe(
      'urgent',
    );
    const failing = new LocalAndBedrockRiskClassifier(local, new FixedRisk(new Error('throttled')));
    await expect(failing.classify('hi', 'en', live())).rejects.toThrow('throttled');
  });
});

describe('the bundled model', () => {
  it('is trained on the tuning sets only, never the check half or the held-out set', () => {
    const sets = bundledLocalRiskModel().trainedOn.map((s) => s.set);
    expect(sets).toContain('dev-set.json (tune half)');
    expect(sets.join(' ')).not.toMatch(/holdout|check/);
  });

  it('and the spelling guard are what their sources give (npm run triage:train -- --check)', () => {
    const root = join(__dirname, '..');
    const output = execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/triage-train.ts', '--check'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(output).toContain('the committed model and spelling guard match their sources');
  }, 180_000);
});
