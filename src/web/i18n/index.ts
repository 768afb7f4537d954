import type { FieldError } from '../../domain/fields.ts';
import { fr, type MessageKey } from './fr.ts';

export type { MessageKey };
const catalogues = { fr } as const;
export type Locale = keyof typeof catalogues;

/** Translates a catalogue key, filling `{placeholders}`. Unknown placeholders stay visible. */
export function t(
  key: MessageKey,
  vars: Record<string, string | number> = {},
  locale: Locale = 'fr',
): string {
  const template: string = catalogues[locale][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/**
 * A catalogue message without placeholders. Its type is the literal text, which the XSS scanner
 * accepts as safe: the catalogue is written by developers, never by users.
 */
export function m<K extends MessageKey>(key: K): (typeof fr)[K] {
  return catalogues.fr[key];
}

/** True when `key` names a message of the catalogue. */
export const isMessageKey = (key: string): key is MessageKey => key in fr;

/** The French sentence for a validation error. */
export function errorMessage(error: FieldError): string {
  return isMessageKey(error.key) ? t(error.key, { param: error.param ?? '' }) : t('errors.invalid');
}

// Building an Intl formatter costs ~20 µs (ICU data); they are immutable, so built once.
const numberFormat = new Intl.NumberFormat('fr-FR');
const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

/** French number formatting (« 1 234 »). */
export const formatNumber = (n: number) => numberFormat.format(n);

/** A French date (« 22 novembre 2026 »); accepts a Date or an ISO day (« 2026-11-22 »). */
export const formatDate = (d: Date | string) =>
  dateFormat.format(typeof d === 'string' ? new Date(`${d}T12:00:00Z`) : d);

/** French date and time (« 22 novembre 2026 à 14:05 »). */
export const formatDateTime = (d: Date) => dateTimeFormat.format(d);
