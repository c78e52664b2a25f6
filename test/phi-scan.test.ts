/**
 * The scanning helpers the detectors use for speed must find exactly what the plain forms find:
 * firstMatch/nextMatch against String.prototype.matchAll, and the per-word memo of the name
 * detector against each entry's own dictionary (the light entry must not see the full one's words).
 */
import { detectPhi as detectFull } from '../lambdas/phi';
import { detectPhi as detectLight } from '../lambdas/phi/light';
import { firstMatch, nextMatch } from '../lambdas/phi/patterns';

const all = (re: RegExp, text: string): Array<[number, string]> => {
  const out: Array<[number, string]> = [];
  for (let m = firstMatch(re, text); m !== null; m = nextMatch(re, text)) out.push([m.index, m[0]]);
  return out;
};
const viaMatchAll = (re: RegExp, text: string): Array<[number, string]> =>
  [...text.matchAll(re)].map((m) => [m.index, m[0]]);

describe('firstMatch / nextMatch', () => {
  it.each([
    [/\d+/gu, 'a 12 b 345 c'],
    [/x*/gu, 'axxbx'],
    [/(?:)/gu, 'a\u{1F600}b'],
    [/(?<!\w)age\s*(\d+)/giu, 'Age 92, page 95, aged 101'],
  ])('yields what matchAll yields for %p', (re, text) => {
    expect(all(re, text)).toEqual(viaMatchAll(re, text));
  });

  it('restarts from the beginning on every call', () => {
    const re = /\d/gu;
    expect(firstMatch(re, 'a1b2')?.index).toBe(1);
    expect(firstMatch(re, 'a1b2')?.index).toBe(1);
  });
});

describe('word facts per dictionary', () => {
  it('keeps the light entry free of the full dictionary after both ran on the same word', () => {
    const text = 'suzette kowalczyk came in today';
    const full = detectFull(text);
    const light = detectLight(text);
    // The full entry takes the pair of distinct names; the light entry has no list to tell.
    expect(full.some((s) => s.type === 'NAME')).toBe(true);
    expect(light.some((s) => s.type === 'NAME')).toBe(false);
    expect(detectFull(text)).toEqual(full);
  });
});
