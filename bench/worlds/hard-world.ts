/**
 * An adversarial world generator, written apart from src/demo/world.ts so that earshot is also
 * measured on worlds whose vocabulary, attributes and traps it was not shaped around.
 *
 * Norvia, a mobile operator: customers with a handset, OS version, plan, network, region, SIM type,
 * contract, bundle, payment method and a few noisy columns. Each world plants causes as two- and
 * three-attribute conjunctions (at least one of three), and adds the traps an independent check uses:
 * - near misses: every cause has many customers holding all but one of its values, and some of them
 *   post a "confuser" complaint that shares words with the cause's symptom but is another problem;
 * - confuser complaints from anyone, sharing the cause's words;
 * - retweets ("RT @handle: …") of cause complaints by other people, and replayed duplicates (the same
 *   post delivered twice under a new id);
 * - brands of very different size (2k–50k customers), complaint rates from 3 to 10 %, and noise
 *   complaints about everyday things.
 *
 * It returns the same World shape as the demo generator, so scoreWorld applies unchanged. Seeds
 * 7001–7010 are frozen for confirmation only: tune on others (e.g. 100–109).
 */
import { mulberry32 } from '../../src/analysis/random.ts';
import type { Customer, PlantedCause, World, WorldMention } from '../../src/demo/world.ts';

export interface HardWorldOptions {
  seed: number;
  /** Default: drawn from 2k–50k by the seed. */
  customers?: number;
  causes: number;
  /** Default: drawn from 3–10 % by the seed. */
  complaintRate?: number;
  noiseComplaints: number;
  chatter: number;
  /** Share of a cause's complaints that are retweeted by someone else. */
  retweetShare: number;
  /** Share of all complaints delivered twice. */
  replayShare: number;
  /** Confuser complaints per cause complaint (half of them from near misses). */
  confuserShare: number;
}

export const FROZEN_SEEDS = [7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009, 7010] as const;
export const TUNING_SEEDS = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109] as const;

const DEFAULTS: HardWorldOptions = {
  seed: 1,
  causes: 3,
  noiseComplaints: 400,
  chatter: 1200,
  retweetShare: 0.15,
  replayShare: 0.05,
  confuserShare: 0.4,
};

type Rand = () => number;
type Weighted = ReadonlyArray<readonly [string, number]>;

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
function pickWeighted(rand: Rand, xs: Weighted): string {
  const total = xs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of xs) if ((r -= w) <= 0) return v;
  return xs[xs.length - 1]![0];
}

const HANDSETS: Weighted = [
  ['Pixa 7', 14],
  ['Pixa 8', 12],
  ['Orion S', 16],
  ['Orion Max', 9],
  ['Kestrel', 11],
  ['Kestrel Lite', 13],
  ['Juno', 8],
  ['Vega 2', 10],
  ['Vega 3', 7],
];
const OS: Record<string, Weighted> = {
  'Pixa 7': [
    ['14', 40],
    ['15', 60],
  ],
  'Pixa 8': [
    ['15', 70],
    ['16', 30],
  ],
  'Orion S': [
    ['12', 25],
    ['13', 45],
    ['14', 30],
  ],
  'Orion Max': [
    ['13', 50],
    ['14', 50],
  ],
  Kestrel: [
    ['11', 30],
    ['12', 40],
    ['13', 30],
  ],
  'Kestrel Lite': [
    ['11', 60],
    ['12', 40],
  ],
  Juno: [
    ['9', 50],
    ['10', 50],
  ],
  'Vega 2': [
    ['10', 40],
    ['11', 60],
  ],
  'Vega 3': [
    ['11', 35],
    ['12', 65],
  ],
};
const PLANS: Weighted = [
  ['Go', 30],
  ['Flex', 28],
  ['Unlimited', 22],
  ['Family', 12],
  ['Business', 8],
];
const NETWORK_BY_PLAN: Record<string, Weighted> = {
  Go: [
    ['4G', 80],
    ['5G', 20],
  ],
  Flex: [
    ['4G', 55],
    ['5G', 45],
  ],
  Unlimited: [
    ['4G', 25],
    ['5G', 75],
  ],
  Family: [
    ['4G', 50],
    ['5G', 50],
  ],
  Business: [
    ['4G', 30],
    ['5G', 70],
  ],
};
const REGIONS: Weighted = [
  ['North', 18],
  ['South', 16],
  ['East', 15],
  ['West', 17],
  ['Central', 20],
  ['Coast', 8],
  ['Islands', 6],
];
const SIMS: Weighted = [
  ['physical', 70],
  ['eSIM', 30],
];
const CONTRACTS: Weighted = [
  ['prepaid', 35],
  ['12m', 25],
  ['24m', 30],
  ['business', 10],
];
const BUNDLES: Weighted = [
  ['none', 45],
  ['tv', 15],
  ['broadband', 25],
  ['tv+broadband', 15],
];
const PAYMENTS: Weighted = [
  ['card', 45],
  ['direct debit', 40],
  ['voucher', 15],
];
const LANGS: Weighted = [
  ['en', 70],
  ['es', 15],
  ['fr', 8],
  ['pl', 7],
];
const FIRST = [
  'aiden',
  'bea',
  'carlos',
  'dana',
  'eli',
  'fatima',
  'gus',
  'hiro',
  'isla',
  'jamal',
  'kira',
  'leo',
  'maya',
  'nico',
  'olu',
  'priya',
  'quinn',
  'rosa',
  'sven',
  'tara',
  'umar',
  'vera',
];
const LAST = [
  'adeyemi',
  'brooks',
  'chen',
  'dubois',
  'evans',
  'ferraro',
  'gupta',
  'hansen',
  'ivanova',
  'jones',
  'kimura',
  'lopez',
  'mensah',
  'nowak',
  'ortiz',
];

/** Columns a cause may be planted on (the noisy ones — language, payment — never are). */
const CAUSE_COLUMNS = ['handset', 'os_version', 'plan', 'network', 'region', 'sim', 'contract', 'bundle'];

function makeCustomers(rand: Rand, n: number): Customer[] {
  const out: Customer[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < n; i++) {
    const handset = pickWeighted(rand, HANDSETS);
    const plan = pickWeighted(rand, PLANS);
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    let handle = '';
    if (rand() < 0.7) {
      do
        handle = `${first}${pick(rand, ['', '_', '.'])}${last.slice(0, 2 + Math.floor(rand() * 4))}${Math.floor(rand() * 10000)}`;
      while (taken.has(handle));
      taken.add(handle);
    }
    out.push({
      customer_id: `N${String(500000 + i)}`,
      handle: rand() < 0.25 && handle ? `@${handle}` : handle,
      full_name: `${first} ${last}`,
      handset,
      os_version: pickWeighted(rand, OS[handset]!),
      plan,
      network: pickWeighted(rand, NETWORK_BY_PLAN[plan]!),
      region: pickWeighted(rand, REGIONS),
      sim: pickWeighted(rand, SIMS),
      contract:
        plan === 'Business'
          ? 'business'
          : pickWeighted(
              rand,
              CONTRACTS.filter(([c]) => c !== 'business'),
            ),
      bundle: pickWeighted(rand, BUNDLES),
      payment: pickWeighted(rand, PAYMENTS),
      language: pickWeighted(rand, LANGS),
      monthly_bill: (15 + rand() * 70).toFixed(2),
      tenure_months: String(Math.floor(rand() * 120)),
    });
  }
  return out;
}

interface Symptom {
  name: string;
  templates: string[];
  /** Another problem told with the same words. */
  confusers: string[];
}

const SYMPTOMS: Symptom[] = [
  {
    name: 'calls drop',
    templates: [
      '{at} calls keep dropping after a minute or two {since} {vent}',
      'every call I make on {net} just drops mid sentence {at} {vent}',
      '{at} dropped calls all day, cant finish a single phone call {since}',
      'my calls cut out constantly {since}, {vent} {at}',
      '{at} call dropped again. third time today. {vent}',
      'anyone else getting dropped calls with {at}? {since}',
    ],
    confusers: [
      '{at} cant make calls abroad, roaming call blocked {vent}',
      '{at} call centre dropped my call twice while on hold {vent}',
      '{at} calls to your helpline cost me a fortune',
    ],
  },
  {
    name: 'mobile data dead',
    templates: [
      '{at} no mobile data at all {since}, only wifi works {vent}',
      '{at} my data stopped working, shows {net} but nothing loads {vent}',
      'mobile data not working {since} {at} {vent}',
      '{at} internet on my phone is dead {since}, full bars but no data',
      'no data connection {since}?? {at} {vent}',
    ],
    confusers: [
      '{at} I ran out of data way too fast this month {vent}',
      '{at} data roaming charges on my bill are wrong',
      '{at} home broadband internet down again {vent}',
    ],
  },
  {
    name: 'esim activation fails',
    templates: [
      '{at} esim activation keeps failing with an error {vent}',
      'tried to activate my esim 5 times {at}, always fails {vent}',
      '{at} esim stuck on activating {since} {vent}',
      '{at} the qr code for the esim does not work, activation error',
      'esim wont activate on the new phone {at} {vent}',
    ],
    confusers: [
      '{at} when will the esim be available for my phone model?',
      '{at} ordered a new sim card two weeks ago, still not here {vent}',
      '{at} how do I move my esim to a new phone',
    ],
  },
  {
    name: 'texts arrive late',
    templates: [
      '{at} text messages arrive hours late {since} {vent}',
      'my sms come in late or not at all {at} {vent}',
      '{at} verification codes by text arrive after they expire {vent}',
      '{at} texts delayed by an hour {since}, missed my bank code',
      'sms delivery is so slow {since} {at} {vent}',
    ],
    confusers: [
      '{at} I keep getting spam texts from your marketing {vent}',
      '{at} my bill arrived late again this month',
      '{at} group texts show up with the wrong names',
    ],
  },
  {
    name: 'voicemail broken',
    templates: [
      '{at} voicemail not working {since}, callers get an error {vent}',
      'cant listen to my voicemail {at}, it just hangs up {vent}',
      '{at} visual voicemail empty {since} though people left messages',
      '{at} voicemail greeting reset and messages gone {vent}',
      'voicemail broken again {at} {vent}',
    ],
    confusers: [
      '{at} how do I turn voicemail off, it is annoying',
      '{at} your support line left me a voicemail and never called back {vent}',
    ],
  },
  {
    name: 'hotspot disconnects',
    templates: [
      '{at} hotspot keeps disconnecting my laptop {since} {vent}',
      'personal hotspot drops every few minutes {at} {vent}',
      '{at} tethering stopped working {since}, laptop connects then drops',
      '{at} my hotspot disconnects constantly, cant work from the train {vent}',
      'hotspot connection unstable {since} {at}',
    ],
    confusers: [
      '{at} is hotspot included in the Go plan?',
      '{at} wifi at your store was down, couldnt set up my phone {vent}',
    ],
  },
  {
    name: 'double charged',
    templates: [
      '{at} charged twice for my plan this month {vent}',
      '{at} you took the monthly payment two times from my account {vent}',
      'double billed again {at}, want my money back {vent}',
      '{at} my card was charged twice for the same bill {vent}',
      '{at} two identical payments taken this month?? refund please',
    ],
    confusers: [
      '{at} my plan price went up without warning {vent}',
      '{at} charged for a roaming pass I never bought',
      '{at} the payment page wont accept my card {vent}',
    ],
  },
];

const NOISE = [
  '{at} waited an hour in your shop for nothing {vent}',
  '{at} the new store opening hours are ridiculous',
  '{at} your website logs me out every five minutes {vent}',
  '{at} delivery of my new phone is late {vent}',
  '{at} the case I bought from you cracked in a week',
  '{at} agent on chat was rude {vent}',
  '{at} still no answer about my complaint from last month',
  '{at} the loyalty points vanished from my account',
  '{at} I want to cancel my tv bundle but nobody answers {vent}',
  '{at} coverage in my basement is terrible',
  '{at} why is the app asking for my location all the time',
  '{at} the refund for my returned charger never came {vent}',
];
const CHATTER = [
  '{at} thanks for sorting my upgrade so quickly!',
  'switched to {at} last month and loving the Unlimited plan',
  '{at} what are your store hours on sunday?',
  'great signal at the festival today {at}',
  '{at} is the new Pixa 8 deal still on?',
  'finally got my {at} bill down, happy',
];
const VENT = [
  'seriously',
  'fix it',
  'not good enough',
  'so fed up',
  'ridiculous',
  'terrible service',
  'unacceptable',
  'this is a joke',
  '😡',
  '🙄',
  '',
];
const SINCE = [
  'since tuesday',
  'since the update',
  'all week',
  'for days now',
  'since yesterday',
  'since I upgraded',
  '',
];
const AT = ['@NorviaMobile', '@NorviaMobile', '@NorviaHelp', 'Norvia'];

function text(rand: Rand, template: string, net: string): string {
  const t = template.replace(/\{(\w+)\}/g, (_, k: string) =>
    k === 'at'
      ? pick(rand, AT)
      : k === 'vent'
        ? pick(rand, VENT)
        : k === 'since'
          ? pick(rand, SINCE)
          : k === 'net'
            ? net
            : k,
  );
  let out = t
    .replace(/\s+/g, ' ')
    .replace(/\s([,.?])/g, '$1')
    .trim();
  if (rand() < 0.2) out = typo(rand, out);
  if (rand() < 0.15) out = out.toLowerCase();
  if (rand() < 0.1) out = out.toUpperCase();
  if (rand() < 0.1) out += ' #norviafail';
  return out;
}

function typo(rand: Rand, s: string): string {
  const words = s.split(' ');
  const idx = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{5,}$/.test(w));
  if (idx.length === 0) return s;
  const [w, i] = pick(rand, idx);
  const at = 1 + Math.floor(rand() * (w.length - 2));
  words[i] = rand() < 0.5 ? w.slice(0, at) + w.slice(at + 1) : w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  return words.join(' ');
}

interface Planted {
  conjunction: Record<string, string>;
  members: number[];
  /** Customers holding all but one of the values. */
  nearMisses: number[];
}

/**
 * A conjunction of `size` values around a random anchor customer, covering 0.5–6 % of customers and
 * enough of them that about ten or more complain at the world's rate,
 * where each value and each sub-conjunction is held by clearly more customers (so dropping one value
 * makes the rule too wide), barely overlapping earlier causes.
 */
function plant(rand: Rand, customers: Customer[], size: number, claimed: Set<number>, rate: number): Planted | null {
  const n = customers.length;
  for (let attempt = 0; attempt < 400; attempt++) {
    const cols = [...CAUSE_COLUMNS].sort(() => rand() - 0.5).slice(0, size);
    const anchor = customers[Math.floor(rand() * n)]!;
    const conj = Object.fromEntries(cols.map((c) => [c, anchor[c] as string]));
    const members: number[] = [];
    const nearMisses: number[] = [];
    const dropOne = new Array<number>(size).fill(0);
    let overlap = 0;
    customers.forEach((cu, i) => {
      const missing = cols.filter((c) => cu[c] !== conj[c]);
      if (missing.length === 0) {
        members.push(i);
        if (claimed.has(i)) overlap++;
      } else if (missing.length === 1) {
        nearMisses.push(i);
        dropOne[cols.indexOf(missing[0]!)]!++;
      }
    });
    const share = members.length / n;
    // A cause nobody would post about cannot be heard: at least 10 complainants are expected.
    if (share < 0.005 || share > 0.06 || members.length * 0.7 * rate < 10 || overlap > members.length * 0.05) continue;
    // Every wider rule (one value dropped) must hold at least 60 % more customers than the cause.
    if (dropOne.some((d) => d < 0.6 * members.length)) continue;
    return { conjunction: conj, members, nearMisses };
  }
  return null;
}

export function generateHardWorld(options: Partial<HardWorldOptions> = {}): World {
  const o = { ...DEFAULTS, ...options };
  const rand = mulberry32(o.seed * 7919 + 17);
  const n = o.customers ?? Math.round(2000 + rand() ** 1.5 * 48_000);
  const rate = o.complaintRate ?? 0.03 + rand() * 0.07;
  const customers = makeCustomers(rand, n);
  const start = Date.parse('2026-05-01T00:00:00Z');
  const span = 28 * 86_400_000;
  const at = (from: number): string => new Date(start + (from + rand() * (1 - from)) * span).toISOString();
  const stranger = (): string => `${pick(rand, FIRST)}_${Math.floor(rand() * 1e6)}`;
  const handleOf = (i: number): string => (customers[i]!.handle ?? '').replace(/^@/, '');
  type Raw = Omit<WorldMention, 'id'> & { kind: 'cause' | 'noise' | 'chatter'; cause?: number };
  const raw: Raw[] = [];

  const symptoms = [...SYMPTOMS].sort(() => rand() - 0.5);
  const causes: PlantedCause[] = [];
  const claimed = new Set<number>();
  // At least one three-value cause per world; the others are two or three at random.
  const sizes = Array.from({ length: o.causes }, (_, c) => (c === 0 ? 3 : rand() < 0.5 ? 3 : 2));
  for (let c = 0; c < o.causes && c < symptoms.length; c++) {
    const symptom = symptoms[c]!;
    const found = plant(rand, customers, sizes[c]!, claimed, rate) ?? plant(rand, customers, 2, claimed, rate);
    if (!found) continue;
    for (const i of found.members) claimed.add(i);
    const cause: PlantedCause = {
      id: `cause-${c + 1}`,
      conjunction: found.conjunction,
      symptom: symptom.name,
      affected: [],
      complained: [],
      mentionIds: [],
    };
    const onset = rand() * 0.5;
    const posts: Raw[] = [];
    for (const i of found.members) {
      const cu = customers[i]!;
      cause.affected.push(cu.customer_id);
      if (!cu.handle || rand() >= rate) continue;
      cause.complained.push(cu.customer_id);
      posts.push({
        text: text(rand, pick(rand, symptom.templates), cu.network as string),
        author: { handle: handleOf(i) },
        source: pick(rand, ['x', 'x', 'facebook']),
        created_at: at(onset),
        kind: 'cause',
        cause: c,
      });
    }
    raw.push(...posts);
    // Retweets by other people: the words of the cause, the author of no complaint.
    for (const p of posts) {
      if (rand() >= o.retweetShare) continue;
      const who = Math.floor(rand() * n);
      const author = handleOf(who) || stranger();
      raw.push({
        text: `RT @${p.author.handle}: ${p.text}`,
        author: { handle: author },
        source: 'x',
        created_at: p.created_at,
        kind: 'noise',
      });
    }
    // Confusers: half from near misses (all values but one), half from anyone.
    const confusers = Math.round(posts.length * o.confuserShare);
    for (let k = 0; k < confusers; k++) {
      const fromNear = rand() < 0.5 && found.nearMisses.length > 0;
      const who = fromNear ? pick(rand, found.nearMisses) : Math.floor(rand() * n);
      const author = handleOf(who) || stranger();
      raw.push({
        text: text(rand, pick(rand, symptom.confusers), customers[who]!.network as string),
        author: { handle: author },
        source: 'x',
        created_at: at(onset),
        kind: 'noise',
      });
    }
    // Strangers (not in the base) with the same problem.
    for (let k = 0; k < Math.round(posts.length * 0.1); k++) {
      raw.push({
        text: text(rand, pick(rand, symptom.templates), pick(rand, ['4G', '5G'])),
        author: { handle: stranger() },
        source: 'x',
        created_at: at(onset),
        kind: 'cause',
        cause: c,
      });
    }
    causes.push(cause);
  }
  const someone = (): string => handleOf(Math.floor(rand() * n)) || stranger();
  for (let i = 0; i < o.noiseComplaints; i++)
    raw.push({
      text: text(rand, pick(rand, NOISE), '4G'),
      author: { handle: someone() },
      source: pick(rand, ['x', 'facebook', 'google_alerts']),
      created_at: at(0),
      kind: 'noise',
    });
  for (let i = 0; i < o.chatter; i++)
    raw.push({
      text: text(rand, pick(rand, CHATTER), '5G'),
      author: { handle: someone() },
      source: 'x',
      created_at: at(0),
      kind: 'chatter',
    });
  // Replays: the same post delivered again later under a new id.
  const replays = raw
    .filter((r) => r.kind !== 'chatter' && rand() < o.replayShare)
    .map((r) => ({ ...r, created_at: new Date(Date.parse(r.created_at) + 3_600_000).toISOString() }));
  raw.push(...replays);
  raw.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));

  const mentions: WorldMention[] = [];
  const noiseMentionIds: string[] = [];
  const chatterIds: string[] = [];
  raw.forEach((r, i) => {
    const id = `h${String(i + 1).padStart(6, '0')}`;
    mentions.push({ id, text: r.text, author: r.author, source: r.source, created_at: r.created_at });
    if (r.kind === 'cause')
      causes[causes.findIndex((c) => c.id === `cause-${(r.cause as number) + 1}`)]!.mentionIds.push(id);
    else if (r.kind === 'noise') noiseMentionIds.push(id);
    else chatterIds.push(id);
  });
  return { brand: 'Norvia', customers, mentions, truth: { causes, noiseMentionIds, chatterIds } };
}
