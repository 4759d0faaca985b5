/**
 * A seeded, fictional brand world for demos, tests and benchmarks: Lumora, a maker of home cameras
 * and hubs. Customers carry correlated attributes (firmware follows the model, plan follows the tier,
 * ISP follows the region…); a few root causes are planted as attribute conjunctions; a small share of
 * the affected customers complain in varied words, among unrelated complaints, chatter and people who
 * are not customers. No I/O: the caller decides what to write where.
 */
import { mulberry32 } from '../analysis/random.ts';

export { mulberry32 };

export interface WorldOptions {
  seed: number;
  customers: number;
  causes: number;
  /** Share of affected customers (with a handle) who post about it. */
  complaintRate: number;
  /** Complaints unrelated to any planted cause (one-offs and small everyday topics). */
  noiseComplaints: number;
  /** Neutral and positive posts. */
  chatter: number;
  /** Extra cause-like complaints from handles that are not in the customer base. */
  strangerShare: number;
  /** Mentions spread over this many days from `start`. */
  days: number;
  start: string;
}

export type Customer = Record<string, string> & { customer_id: string; handle: string };

export interface WorldMention {
  id: string;
  text: string;
  author: { handle: string };
  source: string;
  created_at: string;
}

export interface PlantedCause {
  id: string;
  /** The conjunction that defines it, e.g. { model: 'X200', firmware: '4.1' }. */
  conjunction: Record<string, string>;
  symptom: string;
  affected: string[];
  /** Affected customers who posted about it (their handles are in the base). */
  complained: string[];
  mentionIds: string[];
}

export interface World {
  brand: string;
  customers: Customer[];
  mentions: WorldMention[];
  truth: { causes: PlantedCause[]; noiseMentionIds: string[]; chatterIds: string[] };
}

export const DEFAULT_WORLD: WorldOptions = {
  seed: 1,
  customers: 20_000,
  causes: 3,
  complaintRate: 0.08,
  noiseComplaints: 300,
  chatter: 1500,
  strangerShare: 0.1,
  days: 21,
  start: '2026-03-01',
};

type Rand = () => number;
type Weighted = ReadonlyArray<readonly [string, number]>;

function pick<T>(rand: Rand, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function pickWeighted(rand: Rand, xs: Weighted): string {
  const total = xs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of xs) if ((r -= w) <= 0) return v;
  return (xs[xs.length - 1] as readonly [string, number])[0];
}

const MODELS: Weighted = [
  ['X100', 22],
  ['X200', 20],
  ['X300', 12],
  ['Mini', 18],
  ['Duo', 10],
  ['Hub S', 10],
  ['Hub Pro', 8],
];
const FIRMWARE: Record<string, Weighted> = {
  X100: [
    ['3.8', 25],
    ['4.0', 40],
    ['4.1', 35],
  ],
  X200: [
    ['4.0', 30],
    ['4.1', 40],
    ['4.2', 30],
  ],
  X300: [
    ['4.1', 25],
    ['4.2', 50],
    ['4.3', 25],
  ],
  Mini: [
    ['2.4', 45],
    ['2.5', 40],
    ['4.0', 15],
  ],
  Duo: [
    ['3.8', 30],
    ['4.1', 40],
    ['4.2', 30],
  ],
  'Hub S': [
    ['1.9', 50],
    ['2.0', 50],
  ],
  'Hub Pro': [
    ['2.0', 60],
    ['2.1', 40],
  ],
};
const REGIONS: Weighted = [
  ['NA-East', 24],
  ['NA-West', 20],
  ['EU-North', 14],
  ['EU-South', 14],
  ['UK', 10],
  ['APAC', 12],
  ['LATAM', 6],
];
const ISP: Record<string, Weighted> = {
  'NA-East': [
    ['Comlink', 45],
    ['Verity', 35],
    ['Skyline', 20],
  ],
  'NA-West': [
    ['Comlink', 30],
    ['Verity', 20],
    ['Skyline', 50],
  ],
  'EU-North': [
    ['Nordnet', 60],
    ['Eurofibre', 40],
  ],
  'EU-South': [
    ['Eurofibre', 55],
    ['Solare', 45],
  ],
  UK: [
    ['Britline', 70],
    ['Eurofibre', 30],
  ],
  APAC: [
    ['Pacific', 65],
    ['Skyline', 35],
  ],
  LATAM: [
    ['Andes', 80],
    ['Skyline', 20],
  ],
};
const TIERS: Weighted = [
  ['bronze', 55],
  ['silver', 30],
  ['gold', 15],
];
const PLAN_BY_TIER: Record<string, Weighted> = {
  bronze: [
    ['basic', 70],
    ['plus', 25],
    ['premium', 5],
  ],
  silver: [
    ['basic', 25],
    ['plus', 55],
    ['premium', 20],
  ],
  gold: [
    ['plus', 30],
    ['premium', 70],
  ],
};
const APP: Record<string, Weighted> = {
  iOS: [
    ['7.1', 30],
    ['7.2', 45],
    ['7.3', 25],
  ],
  Android: [
    ['7.0', 25],
    ['7.2', 45],
    ['7.3', 30],
  ],
};
const FIRST = [
  'mara',
  'jon',
  'ines',
  'theo',
  'sam',
  'rita',
  'kofi',
  'lena',
  'omar',
  'yuki',
  'pablo',
  'nina',
  'dev',
  'ada',
  'luca',
  'zoe',
  'igor',
  'amara',
  'finn',
  'hana',
];
const LAST = [
  'okafor',
  'lind',
  'moreau',
  'castillo',
  'berg',
  'tanaka',
  'novak',
  'haddad',
  'silva',
  'kowalski',
  'reyes',
  'nguyen',
  'fischer',
  'osei',
  'brennan',
];

/** The attributes causes may be planted on, as pairs (two different columns). */
const CAUSE_PAIRS: Array<[string, string]> = [
  ['model', 'firmware'],
  ['app_platform', 'app_version'],
  ['plan', 'region'],
  ['model', 'isp'],
  ['firmware', 'region'],
  ['model', 'app_version'],
];

function makeCustomers(rand: Rand, n: number): Customer[] {
  const out: Customer[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < n; i++) {
    const model = pickWeighted(rand, MODELS);
    const region = pickWeighted(rand, REGIONS);
    const tier = pickWeighted(rand, TIERS);
    const platform = rand() < 0.55 ? 'iOS' : 'Android';
    const spendBase = tier === 'gold' ? 60 : tier === 'silver' ? 30 : 12;
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    let handle = '';
    if (rand() < 0.75) {
      do
        handle = `${first}${pick(rand, ['_', '.', '', '_'])}${last.slice(0, 1 + Math.floor(rand() * 5))}${Math.floor(rand() * 1000)}`;
      while (taken.has(handle.toLowerCase()));
      taken.add(handle.toLowerCase());
      // CRMs store handles inconsistently: sometimes with '@', sometimes capitalised.
      if (rand() < 0.3) handle = `@${handle}`;
      if (rand() < 0.2) handle = handle.charAt(0).toUpperCase() + handle.slice(1);
    }
    out.push({
      customer_id: `C${String(100000 + i)}`,
      name: `${cap(first)} ${cap(last)}`,
      email: `${first}.${last}.${i}@example.com`,
      handle,
      model,
      firmware: pickWeighted(rand, FIRMWARE[model] as Weighted),
      region,
      isp: pickWeighted(rand, ISP[region] as Weighted),
      tier,
      plan: pickWeighted(rand, PLAN_BY_TIER[tier] as Weighted),
      app_platform: platform,
      app_version: pickWeighted(rand, APP[platform] as Weighted),
      monthly_spend: (spendBase * (0.6 + rand() * 0.9)).toFixed(2),
      signup_year: String(2018 + Math.floor(rand() * 8)),
    });
  }
  return out;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- texts ----

interface Family {
  symptom: string;
  templates: string[];
  slots: Record<string, string[]>;
}

const COMMON: Record<string, string[]> = {
  brand: ['@LumoraHome', '@LumoraHome', '@lumorasupport', 'Lumora'],
  since: [
    'since the update',
    'since yesterday',
    'after the last update',
    'all week',
    'for 3 days now',
    'since the weekend',
  ],
  annoy: [
    'so annoying',
    'this is ridiculous',
    'fix this please',
    'really frustrating',
    'useless',
    'not acceptable',
    'sick of it',
    'what is going on',
  ],
  device: ['camera', 'cam', 'device', 'unit'],
};

const FAMILIES: Family[] = [
  {
    symptom: 'wifi drops',
    templates: [
      '{brand} my {model} keeps {dropping} the wifi {since}, {annoy}',
      '{brand} {model} {device} {disconnects} from wifi every few minutes. {annoy}',
      'anyone else with a {model} losing wifi connection {since}? {annoy}',
      '{brand} wifi connection on my {device} keeps {dropping} {since} {annoy}',
      '{brand} {device} offline again, wifi {disconnects} constantly {since}',
    ],
    slots: {
      dropping: ['dropping', 'losing', 'cutting out', 'dropping off'],
      disconnects: ['disconnects', 'drops', 'keeps dropping', 'loses'],
    },
  },
  {
    symptom: 'battery drain',
    templates: [
      '{brand} battery on my {model} {drains} in a few hours {since}. {annoy}',
      '{brand} {model} {device} battery dead by lunch {since}, {annoy}',
      'my {device} battery {drains} so fast {since} {annoy} {brand}',
      '{brand} why does the battery {drains} overnight now? {model} {annoy}',
    ],
    slots: { drains: ['drains', 'dies', 'empties', 'runs flat', 'drains'] },
  },
  {
    symptom: 'app crashes at login',
    templates: [
      '{brand} the app {crashes} every time I log in {since}. {annoy}',
      '{brand} app keeps {crashes} on the login screen, cant see my cameras {annoy}',
      'Lumora app {crashes} right after login {since} {annoy}',
      '{brand} cannot log in, the app just {crashes} {annoy}',
    ],
    slots: { crashes: ['crashes', 'crashing', 'closes', 'freezes and crashes', 'force closes'] },
  },
  {
    symptom: 'charged twice',
    templates: [
      '{brand} I was {charged} twice for my subscription this month. {annoy}',
      '{brand} double {charged} on my plan again, want a refund {annoy}',
      '{brand} why was my card {charged} twice for the plan? refund please {annoy}',
      'got {charged} two times for the monthly plan {brand} {annoy}',
    ],
    slots: { charged: ['charged', 'billed', 'charged', 'debited'] },
  },
  {
    symptom: 'night vision blank',
    templates: [
      '{brand} night vision on my {model} shows a {blank} screen {since}. {annoy}',
      '{brand} {model} {device} night mode just {blank} at night {since} {annoy}',
      'night vision stopped working on the {device}, {blank} image after dark {brand} {annoy}',
      '{brand} ir night vision {blank} {since}, {annoy}',
    ],
    slots: { blank: ['black', 'blank', 'all black', 'grey'] },
  },
  {
    symptom: 'motion alerts late',
    templates: [
      '{brand} motion alerts arrive {late} {since}. {annoy}',
      '{brand} motion notifications come {late}, useless for security {annoy}',
      'getting motion alerts {late} on my {device} {since} {brand} {annoy}',
      '{brand} alerts for motion are {late} {since}',
    ],
    slots: { late: ['10 minutes late', 'way too late', 'hours late', 'late', 'delayed'] },
  },
];

const NOISE: string[] = [
  '{brand} delivery of my order is a week late, {annoy}',
  '{brand} support chat closed on me twice today {annoy}',
  '{brand} the mounting bracket broke after a month',
  '{brand} your website checkout is broken {annoy}',
  'waited 40 minutes on the phone with {brand} {annoy}',
  '{brand} the price went up again, not happy',
  '{brand} my package arrived damaged',
  '{brand} the instructions for the doorbell chime make no sense',
  '{brand} promo code not working at checkout',
  '{brand} the cloud storage plan is too expensive {annoy}',
  '{brand} the courier left my parcel in the rain',
  '{brand} the speaker on my {device} crackles',
  '{brand} the sd card slot is loose',
  '{brand} I cant change my email address in the account settings',
  '{brand} your agent was rude to me',
  '{brand} refund for my return still not processed {annoy}',
];

const CHATTER: string[] = [
  'loving my new {model} from {brand}, setup took 5 minutes',
  '{brand} how do I share camera access with my partner?',
  'caught the neighbour cat on my {model} again 😂',
  '{brand} thanks for the quick help today!',
  'does the {model} work with the Hub Pro? {brand}',
  'the {brand} sale this weekend is great',
  'just installed a second {device}, so far so good',
  '{brand} is there a dark mode coming to the app?',
  'great video quality on the {model} 👍',
  'my parents finally have a {brand} camera at the cabin',
  '{brand} what time does support open on sunday?',
  'unboxing the {model} tonight',
];

const EMOJI = ['😡', '😤', '🙄', '😩', '👎', '🤬', '😠'];

function fill(rand: Rand, template: string, slots: Record<string, string[]>, model: string): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'model') return rand() < 0.8 ? model : pick(rand, COMMON.device as string[]);
    return pick(rand, slots[key] ?? COMMON[key] ?? [key]);
  });
}

/** Typos people make on phones: a dropped, doubled or swapped letter in one longer word. */
function misspell(rand: Rand, text: string): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{5,}$/.test(w));
  if (candidates.length === 0) return text;
  const [w, i] = pick(rand, candidates);
  const at = 1 + Math.floor(rand() * (w.length - 2));
  const kind = rand();
  const typo =
    kind < 0.4
      ? w.slice(0, at) + w.slice(at + 1)
      : kind < 0.7
        ? w.slice(0, at) + (w[at] as string) + w.slice(at)
        : w.slice(0, at) + (w[at + 1] as string) + (w[at] as string) + w.slice(at + 2);
  words[i] = typo;
  return words.join(' ');
}

function roughen(rand: Rand, text: string): string {
  let t = text;
  if (rand() < 0.25) t = misspell(rand, t);
  if (rand() < 0.15) t = t.toLowerCase();
  if (rand() < 0.3) t += ` ${pick(rand, EMOJI)}`;
  if (rand() < 0.1) t += ' #lumorafail';
  return t.replace(/\s+/g, ' ').replace(/\s,/g, ',').trim();
}

// ---- the world ----

/** The Facebook page of the generated brand. */
export const WORLD_PAGE_ID = '100000000000001';

export function generateWorld(options: Partial<WorldOptions> = {}): World {
  const o = { ...DEFAULT_WORLD, ...options };
  const rand = mulberry32(o.seed);
  const customers = makeCustomers(rand, o.customers);
  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  const spanMs = o.days * 86_400_000;
  const raw: Array<Omit<WorldMention, 'id'> & { kind: 'cause' | 'noise' | 'chatter'; cause?: number }> = [];
  const at = (fromShare: number): string =>
    new Date(startMs + (fromShare + rand() * (1 - fromShare)) * spanMs).toISOString();
  const stranger = (): string => `${pick(rand, FIRST)}${Math.floor(rand() * 100000)}_x`;

  const families = [...FAMILIES].sort(() => rand() - 0.5);
  const causes: PlantedCause[] = [];
  const claimed = new Set<number>();
  for (let c = 0; c < Math.min(o.causes, families.length); c++) {
    const family = families[c] as Family;
    const found = plantCause(rand, customers, claimed);
    if (!found) break;
    const { conjunction, members } = found;
    for (const i of members) claimed.add(i);
    const cause: PlantedCause = {
      id: `cause-${c + 1}`,
      conjunction,
      symptom: family.symptom,
      affected: [],
      complained: [],
      mentionIds: [],
    };
    const onset = rand() * 0.4;
    for (const i of members) {
      const cust = customers[i] as Customer;
      cause.affected.push(cust.customer_id);
      if (!cust.handle || rand() >= o.complaintRate) continue;
      cause.complained.push(cust.customer_id);
      const text = roughen(rand, fill(rand, pick(rand, family.templates), family.slots, cust.model as string));
      raw.push({
        text,
        author: { handle: cust.handle.replace(/^@/, '') },
        source: pick(rand, ['x', 'x', 'facebook']),
        created_at: at(onset),
        kind: 'cause',
        cause: c,
      });
    }
    const strangers = Math.round(cause.complained.length * o.strangerShare);
    for (let s = 0; s < strangers; s++) {
      const text = roughen(rand, fill(rand, pick(rand, family.templates), family.slots, pickWeighted(rand, MODELS)));
      raw.push({ text, author: { handle: stranger() }, source: 'x', created_at: at(onset), kind: 'cause', cause: c });
    }
    causes.push(cause);
  }
  const someone = (): string => {
    const cust = customers[Math.floor(rand() * customers.length)] as Customer;
    return cust.handle && rand() < 0.7 ? cust.handle.replace(/^@/, '') : stranger();
  };
  for (let i = 0; i < o.noiseComplaints; i++) {
    raw.push({
      text: roughen(rand, fill(rand, pick(rand, NOISE), {}, pickWeighted(rand, MODELS))),
      author: { handle: someone() },
      source: pick(rand, ['x', 'facebook', 'google_alerts']),
      created_at: at(0),
      kind: 'noise',
    });
  }
  for (let i = 0; i < o.chatter; i++) {
    let text = fill(rand, pick(rand, CHATTER), {}, pickWeighted(rand, MODELS));
    if (rand() < 0.2) text = misspell(rand, text);
    raw.push({
      text,
      author: { handle: someone() },
      source: pick(rand, ['x', 'facebook']),
      created_at: at(0),
      kind: 'chatter',
    });
  }
  raw.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  const mentions: WorldMention[] = [];
  const noiseMentionIds: string[] = [];
  const chatterIds: string[] = [];
  raw.forEach((r, i) => {
    // Facebook ids have Facebook's shape (PAGEID_POSTID): earshot refuses any other on the way in.
    const id =
      r.source === 'facebook'
        ? `${WORLD_PAGE_ID}_${String(i + 1).padStart(6, '0')}`
        : `m${String(i + 1).padStart(6, '0')}`;
    mentions.push({ id, text: r.text, author: r.author, source: r.source, created_at: r.created_at });
    if (r.kind === 'cause') (causes[r.cause as number] as PlantedCause).mentionIds.push(id);
    else if (r.kind === 'noise') noiseMentionIds.push(id);
    else chatterIds.push(id);
  });
  return { brand: 'Lumora', customers, mentions, truth: { causes, noiseMentionIds, chatterIds } };
}

/** Finds a random attribute conjunction covering 1–8 % of customers and barely overlapping earlier causes. */
function plantCause(
  rand: Rand,
  customers: Customer[],
  claimed: Set<number>,
): { conjunction: Record<string, string>; members: number[] } | null {
  const n = customers.length;
  for (let attempt = 0; attempt < 200; attempt++) {
    const [a, b] = pick(rand, CAUSE_PAIRS);
    const anchor = customers[Math.floor(rand() * n)] as Customer;
    const va = anchor[a] as string;
    const vb = anchor[b] as string;
    const members: number[] = [];
    let overlap = 0;
    customers.forEach((c, i) => {
      if (c[a] === va && c[b] === vb) {
        members.push(i);
        if (claimed.has(i)) overlap++;
      }
    });
    // The pair must say more than either value alone, or the "conjunction" is really a single value.
    const onlyA = customers.filter((c) => c[a] === va).length;
    const onlyB = customers.filter((c) => c[b] === vb).length;
    const share = members.length / n;
    if (share < 0.01 || share > 0.08 || overlap > members.length * 0.05) continue;
    if (members.length > 0.8 * Math.min(onlyA, onlyB)) continue;
    return { conjunction: { [a]: va, [b]: vb }, members };
  }
  return null;
}

/** RFC 4180 CSV of the customers (header from the first row's keys). */
export function customersToCsv(customers: readonly Customer[]): string {
  const first = customers[0];
  if (!first) return 'customer_id,handle\r\n';
  const cols = Object.keys(first);
  const esc = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [cols.join(',')];
  for (const c of customers) lines.push(cols.map((k) => esc(c[k] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ten',
  'ra',
  'vo',
  'sel',
  'nu',
  'pi',
  'dor',
  'ya',
  'fen',
  'gu',
  'tri',
  'bos',
  'el',
];

/**
 * An endless stream of complaint-like mentions for load and cost benchmarks: templated complaints
 * (planted symptoms and everyday noise, roughened) mixed with one-off texts whose words are drawn from
 * an open vocabulary, as real streams keep bringing new words.
 */
export function* mentionStream(seed = 1, start = '2026-03-01'): Generator<WorldMention> {
  const rand = mulberry32(seed);
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const word = (): string => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(rand, SYLLABLES)).join('');
  for (let i = 0; ; i++) {
    const model = pickWeighted(rand, MODELS);
    const r = rand();
    let text: string;
    if (r < 0.45) {
      const family = pick(rand, FAMILIES);
      text = fill(rand, pick(rand, family.templates), family.slots, model);
    } else if (r < 0.7) {
      text = fill(rand, pick(rand, NOISE), {}, model);
    } else {
      text = `@LumoraHome ${Array.from({ length: 4 + Math.floor(rand() * 8) }, word).join(' ')} ${pick(rand, COMMON.annoy as string[])}`;
    }
    yield {
      id: `s${i}`,
      text: roughen(rand, text),
      author: { handle: `user${Math.floor(rand() * 1e6)}` },
      source: 'x',
      created_at: new Date(t0 + i * 1000).toISOString(),
    };
  }
}
