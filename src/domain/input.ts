/**
 * Rules for text typed by people. Control characters and the replacement character (what
 * invalid UTF-8 decodes to) are refused rather than silently stored.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a piece of text is unacceptable, or null when it is fine. */
export function textProblem(value: string, multiline = false): 'control' | 'encoding' | null {
  if (value.includes('\ufffd') || LONE_SURROGATE.test(value)) return 'encoding';
  if ((multiline ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE).test(value)) return 'control';
  return null;
}

/** Trims and normalises line endings and Unicode form (NFC) of typed text. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/** French phone numbers: 10 digits starting with 0, or +33 followed by 9 digits; spaces, dots allowed. */
export function normalizePhone(value: string): string | null {
  const compact = value.replace(/[\s.\-()]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact)) return compact;
  if (/^\+33[1-9]\d{8}$/.test(compact)) return `0${compact.slice(3)}`;
  if (/^\+\d{8,15}$/.test(compact)) return compact;
  return null;
}

/** Formats a normalised French number as « 04 66 00 00 00 ». */
export function formatPhone(phone: string): string {
  return /^0\d{9}$/.test(phone) ? phone.replace(/(\d{2})(?=\d)/g, '$1 ') : phone;
}
