/** Limits and rules of conversations between members; pure, no I/O. */

export const MESSAGE_LIMITS = { body: 2000 } as const;

/** How messages are announced by mail (the sweep in ConversationService.notifyUnread). */
export const NOTIFY = {
  /** A message read within this delay (on the open thread) is never mailed about. */
  graceMs: 60_000,
  /** At most one mail per conversation and recipient within this window. */
  throttleMs: 15 * 60_000,
} as const;

/** An account younger than this is « new »: a phone number in its first message is a signal. */
export const NEW_ACCOUNT_DAYS = 7;

/** What a message may carry that scammers use; each one warns the recipient and alerts moderators. */
export const SCAM_SIGNALS = ['iban', 'money', 'code', 'link', 'phone'] as const;
export type ScamSignal = (typeof SCAM_SIGNALS)[number];

// Text is compared without accents and in lower case: « Virement », « vîrement » and « VIREMENT » match.
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** An IBAN: two letters, two check digits, then 11 to 30 letters or digits, spaces allowed by fours. */
const IBAN = /\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?\b/;
const BANK_WORDS = /\b(iban|rib|bic|swift)\b/;
const MONEY = [
  /\bvirement/,
  /\bmandat[- ]cash\b/,
  /\bwestern union\b/,
  /\bmoneygram\b/,
  /\b(coupons?|recharges?|tickets?) (pcs|transcash|neosurf|paysafecard)\b/,
  /\b(pcs|transcash|neosurf|paysafecard)\b/,
  /\bcartes? cadeaux?\b/,
  /\b(bitcoin|crypto(monnaie)?s?|usdt)\b/,
  /\b(payer|paiement|regler|reglement|verser|versement) (d'|d’|en )?avance\b/,
  /\bfrais (de dossier|de livraison|d'envoi|d’envoi|de transport)\b/,
  /\bacompte\b/,
  /\b(envoyer|envoyez|envoie|prete[rz]?|pretez|donnez|donner) (moi |nous )?(de l'|de l’|l'|l’)?argent\b/,
  /\bpaypal\b/,
];
const CODES = [
  /\bcode (de (la |votre |ta )?carte|confidentiel|secret|de (verification|validation|confirmation)|recu|a \d chiffres|sms|pin)\b/,
  /\b(le|ce|votre|ton) code (que vous|que tu|recu)/,
  /\bcryptogramme\b/,
  /\bcvv\b|\bcvc\b/,
  /\bnumero de (votre |ta |la )?carte\b/,
  /\b(identifiants?|mot de passe) (bancaires?|de (votre|ta) banque)\b/,
];
const LINK =
  /\bhttps?:\/\/|\bwww\.|\b[a-z0-9-]{2,}\.(com|fr|net|org|info|biz|io|ly|me|xyz|site|online|top)(\/|\b)/;
const PHONE = /(?:\+33|0033|\b0)\s*[1-9](?:[\s.-]*\d{2}){4}\b/;

/**
 * The scam signals of a message. A phone number counts only in the first message of a new
 * account: it is how scammers move a conversation out of the platform.
 */
export function scamSignals(
  body: string,
  opts: { firstMessage: boolean; senderCreatedAt: Date; now?: Date },
): ScamSignal[] {
  const text = fold(body);
  const found: ScamSignal[] = [];
  if (IBAN.test(text.replace(/-/g, ' ')) && (/\d{10,}|(\d{4} ){3}/.test(text) || BANK_WORDS.test(text)))
    found.push('iban');
  else if (BANK_WORDS.test(text) && /\d{5,}/.test(text)) found.push('iban');
  if (MONEY.some((re) => re.test(text))) found.push('money');
  if (CODES.some((re) => re.test(text))) found.push('code');
  if (LINK.test(text)) found.push('link');
  const now = opts.now ?? new Date();
  const newAccount = now.getTime() - opts.senderCreatedAt.getTime() < NEW_ACCOUNT_DAYS * 86_400_000;
  if (opts.firstMessage && newAccount && PHONE.test(body)) found.push('phone');
  return found;
}

/** A conversation shows safety advice to a participant until they have written a few messages. */
export const SAFETY_ADVICE_UNTIL_SENT = 3;
