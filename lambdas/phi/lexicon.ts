/**
 * Compact lexicons for the free-text detectors. Kept as space-separated strings (built into Sets
 * once, at module load) so the bundle stays small: the most common US given names and surnames
 * (US Census surname list and SSA baby-name tables, top entries), US state names and codes, the
 * largest US cities, and the everyday English/clinical words that must never be taken for a name.
 */

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/u));

/** Common US given names (lower case). */
export const FIRST_NAMES = words(`
aaron abby abigail adam adrian adriana aidan aiden alan albert alex alexa alexander alexandra alexis alfred
alice alicia alison allen allison alma alvin amanda amber amelia amy ana andre andrea andrew andy angel angela
angelica angie anita ann anna anne annette annie anthony antonio april arthur ashley audrey austin ava barbara
barry beatrice becky ben benjamin bernard bernice beth betty beverly bill billy bob bobby bonnie brad bradley
brandon brenda brent brett brian bridget britney brittany brooke bruce bryan caleb calvin cameron carl carla
carlos carmen carol carole caroline carolyn carrie casey cassandra catherine cathy cecilia chad charlene charles
charlie charlotte chelsea cheryl chloe chris christian christina christine christopher cindy claire clara
clarence claudia clifford clint clyde cody colin connie constance cora corey craig cristina crystal curtis
cynthia daisy dale dan dana daniel danielle danny darlene darrell daryl dave david dawn dean debbie deborah
debra delores denise dennis derek diana diane dianne dolores dominic don donald donna dora doris dorothy doug
douglas duane dustin dwayne dylan earl ed eddie edgar edith edna eduardo edward edwin eileen elaine eleanor
elena elijah elizabeth ella ellen elsie emily emma eric erica erik erin ernest esther ethan ethel eugene eva
evan evelyn felicia felix fernando florence frances francis francisco frank franklin fred freda freddie
frederick gabriel gail gary gene geneva george georgia gerald geraldine gilbert gina gladys glen glenn gloria
gordon grace greg gregory gwendolyn hailey hank hannah harold harriet harry harvey hazel heather hector heidi helen
henry herbert herman holly howard hugh ian ida irene iris isaac isabel isabella ivan jack jackie jacob
jacqueline jake james jamie jan jane janet janice jared jasmine jason javier jay jean jeanette jeanne jeff
jeffery jeffrey jenna jennifer jenny jeremy jerome jerry jesse jessica jesus jill jim jimmy jo joan joann
joanne joe joel john johnny jon jonathan jordan jorge jose joseph josephine josh joshua joy joyce juan
juanita judith judy julia julian julie justin karen kari karl kate katherine kathleen kathryn kathy katie
kay kayla keith kelly ken kenneth kent kevin kim kimberly kirk kristen kristin kristina kurt kyle
lance larry laura lauren laurie lawrence leah lee leo leon leonard leroy leslie lester lillian lily linda
lindsay lindsey lisa lloyd logan lois lonnie lori lorraine louis louise lucas lucille lucy luis luke lydia
lynn mabel madeline madison maggie manuel marcia marcus margaret maria marian marie marilyn mario
marion marjorie marlene marsha martha martin marvin mary mason matthew maureen maurice max megan melanie
melinda melissa melvin michael micheal michele michelle miguel mike mildred milton miranda miriam mitchell
molly monica morris nancy naomi natalie nathan nathaniel neil nellie nicholas nichole nicole nina noah norma
norman olga oliver olivia oscar pamela patricia patrick patsy patti paul paula pauline pearl pedro peggy
penny peter philip phillip phyllis priscilla rachel ralph ramon randall randy ray raymond rebecca
regina reginald renee rhonda ricardo rich richard rick ricky rita rob robert roberta roberto robin rodney
roger ron ronald ronnie rosa rosemary ross roy ruby russell ruth ryan sabrina sally salvatore sam samantha
samuel sandra sara sarah scott sean sergio seth shannon sharon shawn sheila shelby shelly sherri sherry
shirley sidney sonia sophia stacey stacy stanley stella stephanie stephen steve steven stuart sue susan suzanne
 sylvia tamara tammy tanya tara ted teresa terri terry thelma theodore theresa thomas tiffany tim
timothy tina todd tom tommy toni tony tracey tracy travis troy tyler valerie vanessa vera vernon veronica
vicki vickie victor victoria vincent viola violet virginia vivian vladimir wade walter wanda warren
wayne wendy wesley whitney william willie wilma yolanda yvonne zachary zoe
`);

/** Common US surnames (lower case). */
export const LAST_NAMES = words(`
adams alexander allen alvarez anderson andrews armstrong arnold bailey baker banks barnes bates bell bennett
berry bishop black boyd bradley brooks brown bryant burke burns butler campbell carpenter carr carroll carter
castillo chapman chavez clark cole coleman collins cook cooper cox crawford cruz cunningham daniels davidson
davis dean diaz dixon douglas duncan dunn edwards elliott ellis evans ferguson fernandez fisher fleming
flores ford foster fox franklin freeman garcia gardner gibson gilbert gomez gonzales gonzalez gordon graham
grant gray green greene griffin gutierrez hall hamilton hansen harper harris harrison hart hawkins hayes
henderson henry hernandez hicks hill hoffman holmes hopkins howard hudson hughes hunt hunter jackson james
jenkins jensen johnson johnston jones jordan kelley kelly kennedy kim king knight lane larson lawrence lee
lewis long lopez marshall martin martinez mason matthews mcdonald mendoza meyer miller mills mitchell moore
morales morgan morris murphy murray myers nelson nguyen nichols olson ortiz owens palmer parker
patel payne perez perkins perry peters peterson phillips pierce porter powell price ramirez ramos reed reid
reyes reynolds rice richards richardson riley rivera roberts robertson robinson rodriguez rogers romero rose
ross russell ryan sanchez sanders schmidt scott shaw simmons simpson smith snyder spencer stephens stevens
stewart stone sullivan taylor thomas thompson torres tucker turner vasquez wagner walker wallace walsh ward
warren washington watson weaver webb wells west wheeler white williams willis wilson wood woods wright young
`);

/**
 * Names that are also ordinary words: never taken on their own, only with a strong cue (a title,
 * a relation word, "name:") or beside another name part.
 */
export const AMBIGUOUS_NAMES = words(`
april art bell bill black brown carter cook cox dawn dean faith ford fox frank gene grace grant gray green
hall hart hope hunt hunter iris jack jan joy june king lance lane lee long mark mason max may miles mills
page park penny pierce porter price rich rose ross ruby sally stone summer ward warren wells west white
will wood woods young mabel sue bob pat don ray ed jo kay guy mason chase norman
amber pearl jesus christian angel crystal hazel iris ana ida wade walker burns banks hicks fisher payne little
day power bishop baker cook rice hunt gray
`);

/**
 * Ordinary English and clinical words that a context rule ("dr ...", "wife ...") must not take for
 * a name, e.g. "dr aware", "wife at bedside", "md notified".
 */
export const COMMON_WORDS = words(`
a about above after again against all also am an and any are as at aware away back be because been before
being below between both but by came can cannot come could did do does done down during each every few for
from further had has have having he her here hers herself him himself his how i if in into is it its itself
just made make me more most my myself no nor not now of off on once only or other our ours out over own same
she should so some such than that the their theirs them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours
yet today tonight tomorrow yesterday morning evening night day days week weeks month months year years
notified called paged informed updated aware made present here there visited visiting visit bedside
in at with and who will to was is has had came left stayed spoke talked called updated home
pt patient patients dr doctor md rn np pa team service staff nurse nursing resident attending fellow
intern house plan note notes see seen per re following follow followed
mr mrs ms miss sr jr
`);

/** US state names and two-letter codes: kept by Safe Harbor but used as address context. */
export const STATE_CODES = words(`
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR
`);

export const STATE_NAMES = [
  'Alabama',
  'Alaska',
  'Arizona',
  'Arkansas',
  'California',
  'Colorado',
  'Connecticut',
  'Delaware',
  'Florida',
  'Georgia',
  'Hawaii',
  'Idaho',
  'Illinois',
  'Indiana',
  'Iowa',
  'Kansas',
  'Kentucky',
  'Louisiana',
  'Maine',
  'Maryland',
  'Massachusetts',
  'Michigan',
  'Minnesota',
  'Mississippi',
  'Missouri',
  'Montana',
  'Nebraska',
  'Nevada',
  'New Hampshire',
  'New Jersey',
  'New Mexico',
  'New York',
  'North Carolina',
  'North Dakota',
  'Ohio',
  'Oklahoma',
  'Oregon',
  'Pennsylvania',
  'Rhode Island',
  'South Carolina',
  'South Dakota',
  'Tennessee',
  'Texas',
  'Utah',
  'Vermont',
  'Virginia',
  'Washington',
  'West Virginia',
  'Wisconsin',
  'Wyoming',
] as const;

/** The largest US cities and a few metro towns (lower case, multi-word joined by one space). */
export const CITIES = words(`
albuquerque anaheim anchorage annapolis arlington atlanta aurora austin bakersfield baltimore baton_rouge
bethesda birmingham boise boston buffalo chandler charlotte chesapeake chicago cincinnati
cleveland colorado_springs columbia columbus dallas dayton denver des_moines detroit durham el_paso fort_worth
fresno frederick greensboro hartford henderson honolulu houston indianapolis irvine jacksonville
jersey_city kansas_city knoxville laredo las_vegas lexington lincoln long_beach los_angeles louisville lubbock
madison memphis mesa miami milwaukee minneapolis nashville new_orleans new_york newark norfolk oakland
oklahoma_city omaha orlando philadelphia phoenix pittsburgh plano portland providence raleigh reno
 richmond riverside rochester sacramento saint_louis salt_lake_city san_antonio
san_diego san_francisco san_jose santa_ana scottsdale seattle silver_spring spokane st_louis st_paul
stockton tacoma tampa toledo tucson tulsa virginia_beach washington wichita wilmington worcester
`);

/** Words that follow a cue and still are not names ("dr states", "wife reports", "seen by cardiology"). */
export const CLINICAL_WORDS = words(`
states stated says said reports reported wants wanted feels felt ok okay notified ordered order orders wrote
  writes recommends recommended requests requested agrees agreed gave given started increased decreased changed
  asked explained discussed examined evaluated consulted note office phone am pm on call re regarding about team
  service group clinic number unit floor room bed icu ccu micu sicu ed er or pacu ward hospital bedside aware
  also already again still just now then here there feels feeling saw see sees seen says think thinks thought
  would could should will may might must can needs need needed wishes wish prefers likes like knows know
  updated update spoke speak called calls paged page came come comes went goes going left leaving arrived
  visited visits visiting present in at to with and or but for of by from via as is was were are be been has
  have had who which that this these those his her their its our my your a an the not no yes all both
  mother father son daughter wife husband brother sister family friend friends patient pt pts dr md rn np pa
  care plan meds medication medications rx tx dx hx sx fx vs labs lab pain ct mri cxr ekg ecg echo cath
  negative positive normal stable unchanged improved worse better good fair poor well alert oriented awake
  asleep sleeping resting comfortable afebrile npo prn qd bid tid qid qhs daily weekly
  requests request asks asking visits calls wants would lives lived stays stay brought bring took take gets got
  says tells told helps help drove drives works worked died passed died unable able available involved supportive
  concerned upset tearful anxious agreeable aware in-law law both were also who whom whose
  x2 x3 two three several many some other others members member
  cardiology cardiac transplant surgery surgical nutrition pharmacy neuro neurology renal gi medicine ortho
  psych psychiatry social work respiratory rt ot pt carevue micu sicu ccu nicu picu er ed icu or cath lab
  radiology ir anesthesia oncology hematology pulmonary pulm id infectious ethics palliative hospice case
  management dialysis rehab physical therapy speech nephrology endocrine urology gyn ob peds team teams
  continue cont con't new old awaiting await received receive god lord jesus heaven
`);

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
