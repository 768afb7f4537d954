// Text helpers shared by search features. Pure, no I/O.

// Ligatures that NFD leaves intact but people type as two letters ("Cœur" → "coeur").
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

// Common French abbreviations of place names, expanded so that "St Chély" finds "Saint-Chély".
const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };

/**
 * Fold a string for matching: lowercase, no accents, hyphens, apostrophes and other punctuation
 * as single spaces, "st"/"ste" expanded to "saint"/"sainte".
 */
export function normalizeForSearch(input: string): string {
  const folded = input
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[œæß]/g, (c) => LIGATURES[c] ?? c)
    // Hyphens, apostrophes (straight and typographic), dots ("St.") and any other punctuation
    // separate words in place names; keep letters and digits from every script.
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (folded === '') return '';
  return folded
    .split(' ')
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ');
}
