/**
 * Hand-written English additions for customer-service and brand mentions. General dictionaries
 * (AFINN, SentiWordNet-style lists) miss complaint language: "delayed", "on hold", "still waiting",
 * "refund" carry no sentiment there but almost always mean an unhappy customer. Valences use the
 * AFINN scale (-5…5). Written by hand from support experience, not fitted to any evaluation set.
 */

/** Single words. Overrides the general lexicons where both know the word. */
export const DOMAIN_WORDS: Record<string, number> = {
  // service failures
  delay: -2, delayed: -2, delays: -2, delaying: -2,
  cancel: -1, cancelled: -2, canceled: -2, cancellation: -2, cancellations: -2, cancelling: -2, canceling: -2,
  late: -1, later: 0, overbooked: -2, stranded: -3, stuck: -2, missed: -2, diverted: -1,
  lost: -2, losing: -2, missing: -2, broken: -2, broke: -2, damaged: -2, ruined: -3, dirty: -2, smelly: -2,
  refund: -1, refunds: -1, reimburse: -1, reimbursement: -1, compensation: -1, chargeback: -2, overcharged: -3,
  charged: -1, fee: -1, fees: -1, outage: -2, down: -1, crash: -2, crashed: -2, crashing: -2, glitch: -2, bug: -1, buggy: -2,
  error: -2, errors: -2, unusable: -3, unresponsive: -2, unreachable: -2, laggy: -2, slow: -2,
  rude: -3, unhelpful: -3, useless: -3, incompetent: -3, unprofessional: -3, ignored: -2, ignoring: -2, hung: -2,
  nightmare: -3, joke: -2, ridiculous: -3, unacceptable: -3, pathetic: -3, worst: -3, horrible: -3, terrible: -3,
  disappointing: -2, disappointed: -2, frustrating: -2, frustrated: -2, annoyed: -2, furious: -3, livid: -3,
  waited: -1, waiting: -1, wait: -1, hold: -1, queue: -1, again: -1, still: -1, yet: -1, anymore: -1,
  complaint: -2, complain: -2, complaints: -2, issue: -1, issues: -1, problem: -2, problems: -2, hassle: -2, mess: -2,
  fail: -2, failed: -2, fails: -2, failure: -2, fix: -1, hours: -1, hrs: -1, days: -1, weeks: -1, excuse: -2, excuses: -2,
  sucks: -3, suck: -3, wtf: -4, smh: -2, ugh: -2, fml: -3, seriously: -1, really: 0, whatever: -1, ripoff: -3, scam: -3,
  // praise and relief
  thanks: 2, thank: 2, thx: 2, ty: 2, appreciate: 2, appreciated: 2, grateful: 3, kudos: 3, props: 2,
  awesome: 4, amazing: 4, love: 3, loved: 3, loving: 3, lovely: 3, great: 3, excellent: 3, fantastic: 4, best: 3,
  helpful: 2, friendly: 2, smooth: 2, quick: 1, fast: 1, easy: 1, comfortable: 2, resolved: 2, sorted: 2,
  // laughter marks tone (often irony) more than a feeling: weakly positive
  lol: 1, lmao: 1, lmfao: 1, haha: 1, hahaha: 1, rofl: 1, hehe: 1,
  // excitement and affection in social text
  pumped: 2, stoked: 3, hyped: 2, psyched: 2, blessed: 2, fav: 2, fave: 2, luv: 3, xd: 2,
  upgrade: 1, upgraded: 2, ontime: 2, safe: 1, glad: 2, yay: 3, woohoo: 3, congrats: 3, congratulations: 3,
  // neutralised: strong in general lists but mostly neutral in mentions
  please: 0, pls: 0, plz: 0, help: 0, like: 0, want: 0, need: 0, free: 0, ok: 0, okay: 0, no: 0, yes: 0,
  hope: 1, care: 0, support: 0, customer: 0, service: 0, agent: 0, cool: 1, true: 0, god: 0, sure: 0, pretty: 0,
  chance: 0, well: 0, fan: 1,
};

/** Multi-word phrases, matched on lower-cased words. The longest match wins. */
export const DOMAIN_PHRASES: Record<string, number> = {
  'on hold': -3, 'no one': -2, 'nobody': -2, 'no answer': -3, 'no response': -3, 'no reply': -3, 'no help': -3,
  'never again': -4, 'not happy': -3, 'customer service': 0, 'thank you': 2, 'thanks so much': 3, 'well done': 3,
  'hung up': -3, 'not working': -3, "doesn't work": -3, "does not work": -3, "didn't work": -3, "won't let": -2,
  "can't get through": -3, 'cant get through': -3, 'get through': -1, 'still waiting': -3, 'still no': -3, 'still not': -3,
  'no way': -2, 'waste of': -3, 'what a joke': -4, 'at least': -1, 'no longer': -2, 'too long': -2, 'so long': -1,
  'over an hour': -3, 'an hour': -1, 'hours later': -3, 'sat on': -2, 'for nothing': -3, 'lost my': -3, 'lost our': -3,
  'not even': -2, 'not impressed': -3, 'not good': -3, 'not great': -2, 'not ok': -3, 'not okay': -3, 'not cool': -3,
  'fed up': -3, 'sick of': -3, 'tired of': -3, 'thanks for nothing': -4, 'yeah right': -3, 'good luck': 1,
  'look forward': 2, 'looking forward': 2, "can't wait": 3, 'cant wait': 3, 'cannot wait': 3, 'so happy': 3,
  'happy birthday': 3, 'love you': 3, 'kind of': 0, 'sort of': 0, 'no problem': 2, 'no worries': 2, 'no issues': 2,
  'bring on': 2, "let's go": 2, 'lets go': 2, 'so excited': 3,
  "don't like": -2, 'dont like': -2, 'do not like': -2, "didn't like": -2, "doesn't like": -2, 'not like': -1,
  'not bad': 2, 'not a problem': 2, 'not disappointed': 2, 'made my day': 4, 'got it': 1, 'worth it': 2,
  'on time': 1, 'early': 1, 'the worst': -3, 'come on': -2, 'why is': -1, "why can't": -2, 'why are': -1, 'how hard': -3,
};

/** Emoji and emoticons commonly used on social media. */
export const SYMBOLS: Record<string, number> = {
  '😡': -4, '🤬': -4, '😠': -3, '😤': -3, '👎': -3, '😞': -3, '😔': -2, '😢': -3, '😭': -2, '😩': -3, '😫': -3,
  '🙄': -3, '😒': -3, '😑': -2, '😐': -1, '😕': -2, '🙁': -2, '☹️': -2, '☹': -2, '😖': -3, '😣': -2, '😓': -2,
  '🤦': -3, '🤦‍♂️': -3, '🤦‍♀️': -3, '💩': -3, '🖕': -4, '😱': -2, '😰': -2, '😬': -1, '🤔': -1, '😪': -2, '💔': -3,
  '😀': 3, '😃': 3, '😄': 3, '😁': 3, '😆': 2, '😊': 3, '☺️': 3, '☺': 3, '🙂': 2, '😉': 2, '😍': 4, '🥰': 4, '😘': 3,
  '❤️': 3, '❤': 3, '♥': 3, '♥️': 3, '💕': 3, '💖': 3, '💗': 3, '💙': 3, '💚': 3, '💜': 3, '💛': 3, '🧡': 3, '😻': 3,
  '👍': 2, '👏': 3, '🙌': 3, '🎉': 3, '🎊': 3, '✨': 2, '🔥': 2, '💯': 2, '🙏': 1, '😎': 2, '🤗': 3, '🥳': 3,
  '😂': 1, '🤣': 1, '😅': 1, '✈️': 0, '✈': 0, '⭐': 2, '🌟': 2, '👌': 2, '💪': 2, '😋': 3, '😜': 2, '😝': 2,
  ':)': 2, ':-)': 2, ':]': 2, '=)': 2, ':d': 3, ':-d': 3, '8)': 1, ';)': 2, ';-)': 2, ':p': 1, ':-p': 1, '<3': 3, '<33': 3,
  ':(': -2, ':-(': -2, ':[': -2, '=(': -2, ':/': -2, ':-/': -2, ':\\': -2, ':|': -1, ':@': -3, '</3': -3, 'd:': -2,
};

export const NEGATORS = [
  'not', 'no', 'never', 'neither', 'nor', 'none', 'nothing', 'nobody', 'nowhere', 'without', 'hardly', 'barely',
  'cannot', 'cant', "can't", "don't", 'dont', "doesn't", 'doesnt', "didn't", 'didnt', "isn't", 'isnt', "aren't", 'arent',
  "wasn't", 'wasnt', "weren't", 'werent', "won't", 'wont', "wouldn't", 'wouldnt', "shouldn't", 'shouldnt', "couldn't",
  'couldnt', "haven't", 'havent', "hasn't", 'hasnt', "hadn't", 'hadnt', "ain't", 'aint', "mustn't", 'lack', 'lacks',
];

export const MODIFIERS: Record<string, number> = {
  very: 1.3, so: 1.25, really: 1.3, extremely: 1.5, super: 1.3, totally: 1.3, completely: 1.4, absolutely: 1.4,
  utterly: 1.5, incredibly: 1.4, truly: 1.2, most: 1.2, too: 1.2, such: 1.2, quite: 1.1, highly: 1.3, seriously: 1.3,
  beyond: 1.3, freaking: 1.4, fucking: 1.5, damn: 1.3, hella: 1.3, mega: 1.3, sooo: 1.4, soooo: 1.5, especially: 1.2,
  slightly: 0.6, somewhat: 0.7, kinda: 0.7, kind: 0.8, sorta: 0.7, bit: 0.7, little: 0.8, almost: 0.7, fairly: 0.8,
  barely: 0.6, hardly: 0.6, marginally: 0.6, partly: 0.7, mostly: 0.9,
};

export const CONTRAST = ['but', 'however', 'although', 'though', 'except'];

/** Words at which a negation stops reaching (a new clause starts). */
export const SCOPE_BREAKERS = ['and', 'because', 'since', 'when', 'while', 'which', 'who', 'then', 'if', 'until'];

/**
 * Whole-text patterns: complaint shapes a word list cannot see. Tested against the lower-cased text,
 * only when one of their trigger words occurs; each adds its valence once.
 */
export const PATTERNS: { id: string; source: string; valence: number; triggers: string[] }[] = [
  // Waiting measured in time: "on hold for 2 hours", "waited 45 minutes", "3 days and no reply".
  { id: 'waiting-time', source: String.raw`\b(?:hold|wait(?:ed|ing)?|sat|stuck|delayed|late|queue|line)\b[^.!?]{0,40}?\b(?:\d+|an?|two|three|four|five|several|many)\s*(?:\+\s*)?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?)\b`, valence: -3, triggers: ['hold', 'wait', 'waited', 'waiting', 'sat', 'stuck', 'delayed', 'late', 'queue', 'line'] },
  { id: 'time-passed', source: String.raw`\b(?:\d+|two|three|four|five|several|many)\s*(?:hours?|hrs|days|weeks)\b[^.!?]{0,30}\b(?:later|now|still|and no|no one|nobody|without|ago)\b`, valence: -3, triggers: ['#number', 'two', 'three', 'four', 'five', 'several', 'many'] },
  // Repeated contact: "called 3 times", "second time this week".
  { id: 'repeat-contact', source: String.raw`\b(?:(?:called|emailed|tried|asked|contacted|messaged|dm'?d|tweeted|rebooked|reported)\s+(?:you\s+|them\s+|it\s+)?(?:\d+|two|three|four|five|several|multiple|many)\s+times)\b`, valence: -3, triggers: ['times'] },
  // "still no answer", "still haven't heard", "still waiting".
  { id: 'still-unresolved', source: String.raw`\bstill\s+(?:no|not|nothing|haven'?t|hasn'?t|can'?t|cannot|don'?t|doesn'?t|didn'?t|isn'?t|waiting|on hold|stuck|broken|down|missing|delayed)\b`, valence: -3, triggers: ['still'] },
  // Rhetorical complaint questions: "why is it so hard to…", "how is this acceptable", "what is going on".
  { id: 'rhetorical-question', source: String.raw`\b(?:why (?:is|are|do|does|did|would|can'?t|won'?t|isn'?t|aren'?t|hasn'?t|haven'?t|the hell)|how (?:hard|is this|is that|can you|could you|dare|many (?:more|times))|what (?:is going on|the hell|the heck|a joke|happened to)|is (?:it|this) (?:too much|so hard))\b`, valence: -2, triggers: ['why', 'how', 'what', 'is'] },
  // Sarcastic thanks/praise next to a complaint: "thanks for the 3 hour delay", "great job losing my bag".
  { id: 'sarcastic-thanks', source: String.raw`\b(?:thanks?(?: you)?(?: so much)?|great job|nice job|good job|way to go|love (?:how|that)|gotta love|great (?:customer )?service)\b[^.!?]{0,40}?\b(?:delay\w*|cancel\w*|los(?:t|ing)|wait\w*|hold|nothing|late|stuck|stranded|broke\w*|rude|ignor\w*|miss\w*|charg\w*|no (?:help|response|answer|reply))\b`, valence: -5, triggers: ['thanks', 'thank', 'job', 'way', 'love', 'service'] },
  // "not (even) a/one …": "not a single update", "not one person".
  { id: 'not-a-single', source: String.raw`\bnot (?:even )?(?:a single|one|once|an? (?:update|answer|response|reply|apology|call))\b`, valence: -2, triggers: ['not'] },
  // Demands for action: "fix this", "do something", "i want my money back".
  { id: 'demand', source: String.raw`\b(?:fix (?:this|it|your)|do something|get (?:it|this|your act) together|want (?:my|a) (?:money|refund)|money back|give me (?:a|my) refund|speak to a (?:manager|supervisor|human|person))\b`, valence: -3, triggers: ['fix', 'do', 'get', 'want', 'back', 'give', 'speak'] },
  // Leaving: "never flying with you again", "switching to", "cancel my account".
  { id: 'churn', source: String.raw`\b(?:never (?:\w+ing|\w+ )(?:with |on )?(?:you|again)|last time i|switching to|(?:cancel|close) my (?:account|subscription|membership)|take my business)\b`, valence: -3, triggers: ['never', 'last', 'switching', 'cancel', 'close', 'take'] },
];

/**
 * Context cues (see LanguagePack.cues): complaint-context words that are mostly topic words on their
 * own ("I still have to…", "again tomorrow", "sat down"), and weak general words that name an event
 * more often than a feeling ("the fight on Saturday", "limited spots", "leaves", "drops"). They keep
 * their valence above but count only when the text has other evidence of that sign. Time words
 * ("hours", "days", "wait") were tried too and left out: alone they still mark complaints to brands.
 */
export const CUES = ['still', 'again', 'seriously', 'down', 'fight', 'limited', 'leaves', 'drops'];
