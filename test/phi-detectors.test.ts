/**
 * Per-detector cases for the shared PHI module (lambdas/phi). All text is synthetic, written here.
 */
import { containsPhi, detectPhi, type PhiType, redactPhi } from '../lambdas/phi';

/** The [type, matched text] pairs found in `text`. */
const found = (text: string, options = {}): Array<[PhiType, string]> =>
  detectPhi(text, options).map((s) => [s.type, text.slice(s.start, s.end)]);
const typesOf = (text: string, options = {}): PhiType[] => found(text, options).map(([t]) => t);

describe('names', () => {
  it.each([
    ['Seen today with Mr. Jonah Whitfield for follow-up.', 'Jonah Whitfield'],
    ['dr okonkwo notified of the potassium.', 'okonkwo'],
    ['Patient name: Delphine Arceneaux', 'Delphine Arceneaux'],
    ['Wife Margaret at the bedside overnight.', 'Margaret'],
    ['Discussed plan with Priya Raman, MD.', 'Priya Raman'],
    ['Spoke with Tomasz about discharge.', 'Tomasz'],
    ['MR. EDGAR KOWALCZYK is a 70 yo man', 'EDGAR KOWALCZYK'],
  ])('finds the name in %j', (text, name) => {
    expect(found(text)).toContainEqual(['NAME', name]);
  });

  it.each([
    'dr aware of the results, will follow.',
    'Wife at bedside, updated on plan.',
    'MS changes overnight; continue to monitor.',
    'Foley draining clear amber urine.',
    'Continue PT and OT as tolerated.',
  ])('takes no ordinary word for a name in %j', (text) => {
    expect(typesOf(text)).not.toContain('NAME');
  });
});

describe('dates', () => {
  it.each([
    ['Admitted 03/14/2021 via the ED.', '03/14/2021'],
    ['Seen on 14-Mar-2021 in clinic.', '14-Mar-2021'],
    ['Follow-up March 3rd, 2021 at noon.', 'March 3rd, 2021'],
    ['Drawn 2021-03-04T10:15:00Z.', '2021-03-04T10:15:00Z'],
    ['Echo done on 3/4 showed EF 40%.', '3/4'],
    ['Surgery 12/25/20 at 14:30 went well.', '12/25/20 at 14:30'],
    ['Seen 3 March 2021.', '3 March 2021'],
    ['CABG 8/87, stent later.', '8/87'],
    ['Cultures drawn on the 11th.', '11th'],
  ])('finds the date in %j', (text, date) => {
    expect(found(text)).toContainEqual(['DATE', date]);
  });

  it('does not flag a bare year unless asked', () => {
    const text = 'Myocardial infarction in 2019, stable since.';
    expect(typesOf(text)).toEqual([]);
    expect(found(text, { bareYears: true })).toEqual([['DATE', '2019']]);
  });

  it.each([
    'BP 120/80 and HR 72.',
    'Pain 7/10 in the left knee.',
    'Strength 4/5 in all limbs.',
    'Given 1/2 NS at 100 cc/hr.',
    'PSV 10/5 with FiO2 40%.',
  ])('leaves the ratio in %j alone', (text) => {
    expect(typesOf(text)).toEqual([]);
  });
});

describe('ages over 89', () => {
  it.each([
    ['A 92-year-old woman with CHF.', '92'],
    ['Patient aged 95 lives alone.', '95'],
    ['Age: 101', '101'],
    ['91 yo male with syncope', '91'],
  ])('finds the age in %j', (text, age) => {
    expect(found(text)).toContainEqual(['AGE', age]);
  });

  it.each(['A 45-year-old man.', 'Aged 89 and independent.', 'Weight 92 kg.'])('keeps %j', (text) => {
    expect(typesOf(text)).not.toContain('AGE');
  });
});

describe('contact points and identifiers', () => {
  it.each([
    ['Call (617) 555-0142 ext. 23 after 5.', 'PHONE', '(617) 555-0142 ext. 23'],
    ['Cell: 617.555.0199', 'PHONE', '617.555.0199'],
    ['Fax: 617-555-0100', 'FAX', '617-555-0100'],
    ['Pager: #41234', 'PHONE', '41234'],
    ['Write to a.patient@mailbox.example.com today', 'EMAIL', 'a.patient@mailbox.example.com'],
    ['SSN 078-05-1120 on file', 'SSN', '078-05-1120'],
    ['MRN: 00482913 confirmed', 'MRN', '00482913'],
    ['Member ID: XQJ48291734', 'HEALTH_PLAN_ID', 'XQJ48291734'],
    ['Account # 5512-0098', 'ACCOUNT', '5512-0098'],
    ["Driver's license D1234567 presented", 'LICENSE', 'D1234567'],
    ['License plate 7ABC123 seen in lot', 'VEHICLE_ID', '7ABC123'],
    ['Pacemaker serial PJN203948R checked', 'DEVICE_ID', 'PJN203948R'],
    ['Portal at https://portal.example.org/p/123.', 'URL', 'https://portal.example.org/p/123'],
    ['Login from 192.168.10.24 noted', 'IP', '192.168.10.24'],
    ['Login from 2001:db8:85a3::8a2e:370:7334 noted', 'IP', '2001:db8:85a3::8a2e:370:7334'],
  ])('finds %j', (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  it('types a number after a fax cue as FAX and others as PHONE', () => {
    expect(typesOf('phone 617-555-0142, fax 617-555-0143')).toEqual(['PHONE', 'FAX']);
  });
});

describe('addresses', () => {
  it('finds the street with its unit, the city and the ZIP but keeps the state', () => {
    const text = 'Lives at 42 Wren Hollow Road, Apt 3B, Bellmont, OH 43210 with her son.';
    const spans = found(text);
    expect(spans).toContainEqual(['ADDRESS', '42 Wren Hollow Road, Apt 3B']);
    expect(spans).toContainEqual(['ADDRESS', 'Bellmont']);
    expect(spans).toContainEqual(['ZIP', '43210']);
    expect(redactPhi(text).text).toContain('OH');
  });

  it.each([
    // The head word goes too: "X Regional" or "X Rehab" can name the town (test/phi-lexicons.test.ts).
    ['Transferred from Brackenridge Hospital yesterday.', 'Brackenridge Hospital'],
    ['She lives in Hampstead with her sister.', 'Hampstead'],
    ['Discharged to Sacred Heart Memorial.', 'Sacred Heart Memorial'],
    ['zip code: 02139', '02139'],
  ])('finds the place in %j', (text, place) => {
    expect(found(text).map(([, v]) => v)).toContain(place);
  });

  it.each(['2 units PRBC given', '3 way foley in place', 'HR 106-108 ST with PVCs'])('keeps %j', (text) => {
    expect(typesOf(text)).not.toContain('ADDRESS');
  });
});

describe('non-PHI clinical text', () => {
  it.each([
    'BP 120/80, HR 72, RR 16, SpO2 98% on RA.',
    'Hb 13.5, WBC 7.2, platelets 250.',
    'Take 2 tablets by mouth twice daily.',
    'ICD-10 I10, LOINC 8480-6, SNOMED 38341003.',
    'Metoprolol 25 mg PO BID; lisinopril 10 mg daily.',
    'Lungs clear bilaterally. Abdomen soft, non-tender.',
    'Continue heparin drip per protocol, recheck PTT in 6 hours.',
  ])('%j has no PHI', (text) => {
    expect(containsPhi(text)).toBe(false);
  });
});

describe('known identifiers', () => {
  const known = [
    { type: 'NAME' as const, value: 'Oriana  Vasquez-Thorne' },
    { type: 'MRN' as const, value: 'W-448812' },
    { type: 'PHONE' as const, value: '+1 (508) 555-0177' },
    { type: 'DATE' as const, value: '1948-07-09' },
  ];

  it('removes each value, its parts and its other spellings, whatever the case and spacing', () => {
    const text =
      'oriana vasquez-thorne called; ORIANA said her record W448812 is wrong. Call 508.555.0177. Born July 9, 1948 (07/09/1948).';
    const out = redactPhi(text, { known }).text;
    for (const v of ['oriana', 'ORIANA', 'vasquez', 'W448812', '508.555.0177', 'July 9', '07/09/1948']) {
      expect(out.toLowerCase()).not.toContain(v.toLowerCase());
    }
    expect(out).toContain('[NAME]');
    expect(out).toContain('[MRN]');
    expect(out).toContain('[PHONE]');
    expect(out).toContain('[DATE]');
  });

  it('does not match a known value inside a longer word', () => {
    const spans = detectPhi('Ann went to the annex.', { known: [{ type: 'NAME', value: 'Ann' }] });
    expect(spans).toHaveLength(1);
    expect(spans[0]?.start).toBe(0);
  });
});

describe('redactPhi and the span contract', () => {
  it('replaces whole spans with typed placeholders and reports original offsets', () => {
    const text = 'Dr. Halvorsen saw her on 04/02/2022; call 617-555-0142.';
    const { text: out, spans } = redactPhi(text);
    expect(out).toBe('Dr. [NAME] saw her on [DATE]; call [PHONE].');
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Halvorsen', '04/02/2022', '617-555-0142']);
  });

  it('lets the caller choose the replacement for each span', () => {
    const out = redactPhi('Seen 04/02/2022.', { replace: (span) => `<${span.type.toLowerCase()}>` });
    expect(out.text).toBe('Seen <date>.');
  });

  it('filters by type without cutting spans', () => {
    expect(typesOf('Dr. Halvorsen, 617-555-0142', { types: ['PHONE'] })).toEqual(['PHONE']);
  });

  it('returns sorted, non-overlapping spans that carry no value', () => {
    const spans = detectPhi('Mr. John Smith 555-123-4567 john.smith@example.com 03/04/2021 MRN 12345678');
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
    for (const s of spans) expect(Object.keys(s).sort()).toEqual(['end', 'rule', 'start', 'type']);
  });
});

describe('postal addresses written outside the US pattern', () => {
  /** Every character of `part` lies inside some detected span. */
  const covered = (text: string, part: string): boolean => {
    const at = text.indexOf(part);
    const spans = detectPhi(text);
    for (let i = at; i < at + part.length; i++) {
      if (/\s/u.test(text[i] ?? '')) continue;
      if (!spans.some((s) => s.start <= i && i < s.end)) return false;
    }
    return true;
  };

  it('follows a block down from the street line: unit, town, country and postcode, and the addressee above', () => {
    const text =
      'Ship it to:\nOttilie Brannvik\n4417 Kestrelveien 19\n Apt. 12\n Lindrevik\n\n Norway 40312\nThanks!';
    for (const part of ['Ottilie Brannvik', '4417 Kestrelveien 19', 'Apt. 12', 'Lindrevik', 'Norway 40312'])
      expect(covered(text, part)).toBe(true);
    expect(covered(text, 'Thanks')).toBe(false);
  });

  it.each([
    [
      'She lives at 802 Rua das Amoras 77, Velhoporto, Portugal',
      '802 Rua das Amoras 77, Velhoporto, Portugal',
    ],
    ['Deliver to Vinterbergsgatan 14 before noon.', 'Vinterbergsgatan 14'],
    ['Her mail goes to PSC 4410, Box 2217 and then on.', 'PSC 4410, Box 2217'],
    ['Forward it to APO AE 09123 please.', 'APO AE 09123'],
    ['Send it to 5120 18 Marrowby Street today.', '5120 18 Marrowby Street'],
  ])('finds the address in %j', (text, part) => {
    expect(covered(text, part)).toBe(true);
  });

  it.each([
    ['My zip code is 4417', '4417'],
    ['Postal code: 3610-114', '3610-114'],
    ['ZIP: 412 56', '412 56'],
  ])('finds the postcode after a cue in %j', (text, zip) => {
    expect(found(text)).toContainEqual(['ZIP', zip]);
  });

  it.each([
    'Vent settings A/C 750 Rate 12 peep 5.',
    'Given 2 Percocet 5 mg for pain.',
    'Suite of tests ordered.',
  ])('keeps %j', (text) => {
    expect(typesOf(text)).not.toContain('ADDRESS');
  });
});

describe('phones grouped as other countries write them', () => {
  it.each([
    ['Phone: 0471 55 20 93', '0471 55 20 93'],
    ['Mobile:\n(07) 6612 4480', '(07) 6612 4480'],
    ['Can you call me on 02.31.44.70.16 tomorrow?', '02.31.44.70.16'],
    ['They are not answering at 380 2217', '380 2217'],
    ['523 118 904 office', '523 118 904'],
    ['Pager 40711.', '40711'],
  ])('finds the number in %j', (text, phone) => {
    expect(found(text).some(([t, v]) => (t === 'PHONE' || t === 'FAX') && v === phone)).toBe(true);
  });

  it.each(['Home 2 days ago, took 325 650 mg.', 'Work up: 12 14 16 18 on serial checks.'])(
    'keeps %j',
    (text) => {
      expect(typesOf(text)).not.toContain('PHONE');
    },
  );
});

describe('date and IP edge cases', () => {
  it.each([
    ['labs on10/14/2019 were stable', '10/14/2019'],
    ['LITHIUM TOXICITY-9/2/19.', '9/2/19'],
    ['HX:8/30 decreased mental status', '8/30'],
  ])('finds the date in %j', (text, date) => {
    expect(found(text)).toContainEqual(['DATE', date]);
  });

  it.each(['Stage 4 decubitus on sacrum.', 's/p 3 separate cardioversions', 'rate of 20 decreased to 16'])(
    'takes no month out of a longer word in %j',
    (text) => {
      expect(typesOf(text)).not.toContain('DATE');
    },
  );

  it('reads a run of blood-gas values as no IP address', () => {
    expect(typesOf('ABG 80/48/7.45.34.7 on these settings')).not.toContain('IP');
  });
});

describe('names in upper-case notes', () => {
  it('stops a surname after a title at the next English word', () => {
    const names = found('PER DR. PALMQUORST SLOW WEAN OVERNIGHT.').filter(([t]) => t === 'NAME');
    expect(names).toEqual([['NAME', 'PALMQUORST']]);
  });

  it.each([
    ['Hello, my name is Quennelda Rastrup.', 'Quennelda Rastrup'],
    ['"It works," says Ardelio Venkatesh.', 'Ardelio Venkatesh'],
  ])('finds the name after a self-introduction or attribution in %j', (text, name) => {
    expect(found(text)).toContainEqual(['NAME', name]);
  });
});

// Synthetic shorthand dates and phone numbers (no corpus text).
describe('shorthand dates and bracketed phones', () => {
  it.each([
    ["PMH: CVA 74'. CHOLECYSTECTOMY.", '74'],
    ['had treatments 10/03/10/04 and xrt due', '10/03/10/04'],
    ['returned to OR on 7-8 for coiling', '7-8'],
    ['admitted in sept. and discharged', 'sept'],
  ])('finds the date in %j', (text, date) => {
    expect(found(text)).toContainEqual(['DATE', date]);
  });

  it.each(["HOB 30' at all times", "ambulated 30' with assist", 'on 1-2 pillows'])('keeps %j', (text) => {
    expect(typesOf(text)).not.toContain('DATE');
  });

  it('finds a mistyped phone number in brackets', () => {
    expect(found('son visited (617555-0142) today')).toContainEqual(['PHONE', '617555-0142']);
  });
});

describe('foreign and possessive names without a cue', () => {
  it.each([
    // Accented spellings are in no English dictionary; the name lexicon is looked up unaccented.
    ['Yesterday Bálint Kovácsné brought the forms.', 'Bálint Kovácsné'],
    // A surname ending marks an unknown capitalised word; the unknown word before it opens the name.
    ['Yesterday Dravko Istomova signed the consent.', 'Dravko Istomova'],
    // A middle initial between them is taken with both.
    ['Please forward it to Ruslan T Berzhnev today.', 'Ruslan T Berzhnev'],
    // A possessive is the name itself, and the span leaves the "'s" out.
    ["She is Corinna's sister.", 'Corinna'],
    ["What's your last name? Ostrovak", 'Ostrovak'],
    ['Friends call me Zelimkha at work.', 'Zelimkha'],
  ])('finds the name in %j', (text, name) => {
    expect(found(text)).toContainEqual(['NAME', name]);
  });

  it.each([
    'The café was closed, so we went home.',
    "I'm fine with the plan as written.",
    'Towson Maryland is where the clinic sits.',
  ])('takes no accented English word, contraction or state for a name in %j', (text) => {
    const names = found(text)
      .filter(([t]) => t === 'NAME')
      .map(([, v]) => v);
    expect(names.join(' ')).not.toMatch(/café|I'm|Maryland/u);
  });

  it('ends a name at its possessive instead of running into the title after it', () => {
    expect(found("We sang from Dravko Istomova's Winter Songs.")).toContainEqual(['NAME', 'Dravko Istomova']);
  });
});

describe('street addresses: leading numbers, unit tails and intersections', () => {
  it('takes a second number before a street line', () => {
    const text = 'Send it to 40917 Rua das Palmeiras 212, please.';
    expect(found(text)).toContainEqual(['ADDRESS', '40917 Rua das Palmeiras 212']);
  });

  it('takes the town and country after a unit on the same line, stopping at a US state', () => {
    expect(found('Mail goes to 18 Quarry Road Suite 204 KELDBURN Norway tomorrow.')).toContainEqual([
      'ADDRESS',
      '18 Quarry Road Suite 204 KELDBURN Norway',
    ]);
    const us = found('Mail goes to 18 Quarry Road Suite 204 Texas tomorrow.');
    expect(us).toContainEqual(['ADDRESS', '18 Quarry Road Suite 204']);
  });

  it('takes an intersection as one address', () => {
    expect(found('Meet me at the corner of Velde 12 and Harrow Lane.')).toContainEqual([
      'ADDRESS',
      'the corner of Velde 12 and Harrow Lane',
    ]);
  });

  it('follows a postal block past a short lower-case line to its postcode', () => {
    const text = 'Ship to:\n5120 Birkenweg 14\nOstmark\nnan\n40512';
    expect(found(text).map(([, v]) => v)).toContain('40512');
  });
});

describe('names and places found from their surroundings', () => {
  it.each([
    // A cue vouches for a surname written in capitals after the given name.
    ['Guardian: Niece, Henrietta QUILLBY, lives nearby.', 'NAME', 'Henrietta QUILLBY'],
    // An appositive given name after a relation word, though "Al" is also an abbreviation.
    ['Family: Brother, Al, was updated by phone.', 'NAME', 'Al'],
    // A contact-list entry: two name-like words, then a phone number.
    ['Very devoted family. Zorvene Taquesh cell# 410-555-0188 after six.', 'NAME', 'Zorvene Taquesh'],
    // A relation word ending the sentence before the names.
    ['acts as his health care proxys. suzette and hank visit daily', 'NAME', 'suzette'],
    // The move's means between the verb and the site.
    ['pt transferred via ambulance to quarvell-adventist rehab at noon', 'ADDRESS', 'quarvell-adventist'],
    // A site named once with its head word is the same site without it.
    [
      'Sent to Dunmore Pellow EW first. Later went to Dunmore Pellow hosp. for rx',
      'ADDRESS',
      'Dunmore Pellow',
    ],
    // A saint's name in capitals, and a saint's initial.
    ['TO GO TO ST. AGNES ON TUESDAY PER CASE WORKER', 'ADDRESS', 'ST. AGNES'],
    ['Social: had a bed @ St B. pending rescreen.', 'ADDRESS', 'St B'],
    // A metro area, a facility named after its city, and a part of a state.
    ['MedFlight from Greater Boston for work-up.', 'ADDRESS', 'Greater Boston'],
    ['P: TRANSFER TO DENVER REHAB IN AM', 'ADDRESS', 'DENVER REHAB'],
    ['FAMILY ARRIVED FROM THE EASTERN SHORE OVERNIGHT', 'ADDRESS', 'EASTERN SHORE'],
    ['Daughter lives in Southern Maryland.', 'ADDRESS', 'Southern Maryland'],
    // Towns from the gazetteer, of several words or of one word that is no English word or name.
    ['Husband just started a new job in Glen Burnie.', 'ADDRESS', 'Glen Burnie'],
    ['Lives alone in Catonsville with her cat.', 'ADDRESS', 'Catonsville'],
    ['SON DROVE UP FROM CATONSVILLE', 'ADDRESS', 'CATONSVILLE'],
    ['Sister visits often; she works in Winston-Salem as a teacher.', 'ADDRESS', 'Winston-Salem'],
    ['Husband started a new job in Glen  Burnie.', 'ADDRESS', 'Glen  Burnie'],
    // A name someone gives, in any case; a label's lower-case name with its initial.
    ['my name is zorvek quellin but everyone calls me zorvek', 'NAME', 'zorvek quellin'],
    ['name:    hyuvan t. quellam\naddress: elsewhere', 'NAME', 'hyuvan t. quellam'],
    ['User: Zevina Quolt', 'NAME', 'Zevina Quolt'],
    // "ms." in lower case before a name that is no English word.
    ["I'd like to join accounts with ms. Quinzora", 'NAME', 'Quinzora'],
    // A given name that is also a word, before a verb only people do.
    ['Mabel lives on the corner.', 'NAME', 'Mabel'],
    // Someone's affiliation.
    ['Surgeon from Quarrytown in this evening to talk to pt.', 'ADDRESS', 'Quarrytown'],
    // A verb only people are the subject of.
    ['Quorvina lives on the third floor of the building.', 'NAME', 'Quorvina'],
    ['Dzhemal is from the next town over.', 'NAME', 'Dzhemal'],
    // Other items of a list of given names.
    ['they had 4: zorvena, adam, christopher and caleb.', 'NAME', 'zorvena'],
    ['they had 4: zorvena, adam, christopher and caleb.', 'NAME', 'caleb'],
    // A street that numbers after its name, with words that are also English ("Via", "do").
    ['Lives at 3482 Via Franscini 71 in town.', 'ADDRESS', '3482 Via Franscini 71'],
    ['Sent to 86036 Rua do Arenque 1634 last week.', 'ADDRESS', '86036 Rua do Arenque 1634'],
  ] as const)('in %j finds %s %j', (text, type, value) => {
    expect(found(text)).toContainEqual([type, value]);
  });

  it('ends a name at the credential written after it', () => {
    expect(found('Alarms on. Humidifier full. Patricia Smith RRT')).toContainEqual([
      'NAME',
      'Patricia Smith',
    ]);
  });

  it('finds the whole range of days in a day-first date', () => {
    expect(found('shift report 3->4 mar, 98 0700 - 1900')).toContainEqual(['DATE', '3->4 mar, 98']);
  });

  it.each([
    // After a full stop a relation cue takes only a word from the name lists.
    'Eating poorly, tries with wife. Insulin gtt titrated per protocol.',
    // A capitalised pair before a number that is no phone number.
    'Blood Bank 2 units ready.',
    // An English word after a compass word, and ST elevation in capitals.
    'Western blot negative. NEW ST. DEPRESSION IN V4',
    // A state is kept even where a town has its name; towns named with English words or names
    // need more than the gazetteer.
    'Sister in California, will call back.',
    'Mobile x-ray at bedside. Warren to follow.',
    'Husband lives nearby and visits daily.',
    'Monitor for changes in ms. Aspiration precautions continued.',
    'Humidifier full, checked by the RRT on shift.',
    'Nurse from ICU came by; team from cardiology aware.',
    'meds: lasix, coumadin, digoxin and aspirin; wife, son and daughter aware.',
  ])('adds no name or place in %j', (text) => {
    expect(typesOf(text)).not.toContain('NAME');
    expect(typesOf(text)).not.toContain('ADDRESS');
  });
});
