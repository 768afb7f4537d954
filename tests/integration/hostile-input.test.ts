import { randomBytes } from 'node:crypto';
import { escapeHtml } from '@kitajs/html';
import { eq, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import * as schema from '../../src/db/schema.ts';
import { LIMITS } from '../../src/domain/limits.ts';
import { fr } from '../../src/web/i18n/fr.ts';
import {
  createMember,
  createTestApp,
  firstLink,
  lastMailTo,
  openTestDatabase,
  TestClient,
  testDbKind,
  uniqueSlug,
  type TestApp,
} from '../support/app.ts';

/**
 * The « bad input » requirement: every route answers garbage (empty, huge, wrong types, control
 * characters, invalid UTF-8, SQL and HTML fragments, wrong content types, oversized bodies, odd
 * queries and paths) with a 4xx and a French error, never a 5xx, and writes nothing.
 *
 * The values come from a seeded generator: a failure names the seed and the case, and
 * `HOSTILE_SEED=<seed> npx vitest run tests/integration/hostile-input.test.ts` replays it.
 *
 * Decisions:
 * - « Writes nothing » is checked after every batch of ten requests on every table of
 *   src/db/schema.ts, by row count and content hash, so an UPDATE is caught as well as an INSERT.
 *   On PostgreSQL the file uses a database of its own, the shared one being written concurrently.
 * - Each generated form has one field that is certainly invalid for its rule. Every flaw of every
 *   field is first sent alone (other fields valid, CSRF token right), so a hole in one rule shows
 *   up as a write or a non-422; then random forms mix it with garbage everywhere.
 * - Signed out, a route that needs a session answers 303 to /connexion before reading its input
 *   (a browser whose session expired must land on the sign-in page); this writes nothing. The
 *   redirects accepted are exactly those of the ROUTES table. POST /deconnexion and POST /compte/renvoyer-confirmation read no input:
 *   once the body parsed and the CSRF token is valid they do their usual redirect.
 * - GET pages that read no query parameter ignore a garbage query (200): there is nothing to refuse.
 * - Kita escapes `&`, `<`, `"` and `'` but never `>` (harmless, per the HTML standard). So user
 *   text shows as `&lt;script>…`, and `onerror=alert(1)>` may appear as inert text after
 *   `&lt;img`. What is checked: no tag the app did not write (a script without /assets/ source, an
 *   `on…=` attribute, a `javascript:` link) and never `<script>alert(1)` nor
 *   `<img src=x onerror=alert(1)>` with a raw `<`, in text or in attributes.
 */

const SEED = Number.parseInt(process.env.HOSTILE_SEED ?? '20261122', 10) >>> 0;

/** mulberry32: small, fast, and the same sequence everywhere for a given seed. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let x = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile material
// ---------------------------------------------------------------------------------------------

const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</textarea><script>alert(1)</script>',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
];
/** Never in a response with its `<` raw, whatever the context. */
const NEVER_RAW = ['<script>alert(1)', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>'];
const SQL = [
  "' OR 1=1 --",
  '"; DROP TABLE account; --',
  "admin'--",
  '1; SELECT pg_sleep(10); --',
  "') UNION SELECT password_hash FROM account --",
  "'; UPDATE account SET display_name = 'pwned'; --",
];
const WHITESPACE = ['', ' ', '   ', '\t \n ', '\u00a0', '\u3000 \u00a0', '\r\n\r\n'];
const ODD = [
  '%s%s%s%n',
  '{param}',
  '{name}',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  'C:\\Windows\\win.ini',
  'NaN',
  'undefined',
  'null',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  '[object Object]',
  '\u202eevil\u202c',
  'e\u0301',
  '\u200b\u200d\ufeff',
  '🙂👍🏽',
  'Ｓｃｒｉｐｔ',
];
const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u001b',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
];
const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'];
/** Byte sequences that are not UTF-8 (lone continuation, truncated, overlong, surrogate, 5 bytes). */
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf0, 0x9f, 0x98],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];
/** JSON values where text is expected (no `null`: it means « absent », valid for optional fields). */
const WRONG_TYPES: unknown[] = [
  0,
  42,
  -1.5,
  1e308,
  false,
  {},
  { $ne: null },
  { toString: 'x' },
  [],
  [['x']],
  [[['nested', ['deeper']]]],
  ['a', 'b'],
];
const MASS_ASSIGNMENT: Record<string, string> = {
  roles: 'admin',
  isAdmin: 'true',
  emailVerifiedAt: '2020-01-01',
  accountId: '00000000-0000-0000-0000-000000000000',
  territoryId: '00000000-0000-0000-0000-000000000000',
  passwordHash: 'x',
};
const WORDS = ['Jeanne', 'Mende', 'bonjour', 'jeanne@exemple.fr', '0466123456'];

/** A value put in a field: text, a repeated key (array), a JSON-only value, or non-UTF-8 bytes. */
type Value =
  | { t: 'text'; v: string }
  | { t: 'list'; v: string[] }
  | { t: 'json'; v: unknown }
  | { t: 'bytes'; before: string; bytes: number[]; after: string };

const text = (v: string): Value => ({ t: 'text', v });
const insert = (into: string, what: string, rng: Rng) => {
  const at = 1 + rng.int(Math.max(1, into.length - 1));
  return into.slice(0, at) + what + into.slice(at);
};

function unicodeSoup(rng: Rng, length: number): string {
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0xa0, 0x17f],
    [0x370, 0x3ff],
    [0x590, 0x6ff],
    [0x4e00, 0x4e80],
    [0x1f300, 0x1f64f],
    [0x300, 0x36f],
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = rng.pick(ranges);
    s += String.fromCodePoint(lo + rng.int(hi - lo + 1));
  }
  return s;
}

/** Any garbage string, valid or not for a given rule. */
function hostileString(rng: Rng): string {
  const families: Array<() => string> = [
    () => rng.pick(SQL),
    () => rng.pick(XSS),
    () => rng.pick(WHITESPACE),
    () => rng.pick(ODD),
    () => unicodeSoup(rng, 1 + rng.int(40)),
    () => insert(rng.pick(WORDS), rng.pick(CONTROL), rng),
    () => insert(rng.pick(WORDS), rng.pick(SURROGATES), rng),
    () => rng.pick(['a', 'é', '0', '<', "'"]).repeat(rng.pick([1_000, 10_000])),
    () => rng.pick(SQL) + unicodeSoup(rng, 5) + rng.pick(XSS),
  ];
  return rng.pick(families)();
}

/** Garbage for a field that is not the culprit of the request: any type the encoding allows. */
function hostileValue(rng: Rng, json: boolean): Value {
  if (json && rng.chance(0.25)) return { t: 'json', v: rng.pick([...WRONG_TYPES, null]) };
  if (rng.chance(0.1)) return { t: 'list', v: [hostileString(rng), hostileString(rng)] };
  return text(hostileString(rng));
}

type Kind =
  'displayName' | 'email' | 'newPassword' | 'currentPassword' | 'token' | 'phone' | 'areaId' | 'consent';
interface Field {
  kind: Kind;
  /** A value the rule accepts, used for the fields that are not the culprit. */
  valid: string;
}

const MAX: Record<Kind, number> = {
  displayName: LIMITS.displayName.max,
  email: LIMITS.email.max,
  newPassword: LIMITS.password.max,
  currentPassword: LIMITS.password.max,
  token: 100,
  phone: LIMITS.phone.max,
  areaId: 64,
  consent: 2,
};

/** Values each rule must refuse, besides the common ones (control, encoding, size, type). */
const REFUSED_BY: Record<Kind, string[]> = {
  displayName: [...WHITESPACE, 'a', '<', "'", '🙂', 'e\u0301'],
  email: [
    ...WHITESPACE,
    ...SQL,
    ...XSS,
    'a@b',
    '@exemple.fr',
    'jeanne@',
    'jeanne@exemple.f',
    'jeanne@@exemple.fr',
    'jeanne@exemple.fr<script>alert(1)</script>',
    "jeanne@exemple.fr' OR 1=1 --",
    'jeanne(@exemple.fr',
    '"jeanne"@exemple.fr',
    'jeanne@exemple.fr;DROP TABLE account',
  ],
  // Twelve spaces make a legal password: whitespace is refused only when too short.
  newPassword: ['', '   ', "' OR 1=1 --", 'court', '<script>', '12345678901'],
  currentPassword: [''],
  token: ['', ' ', '\u00a0 \u3000'],
  phone: [
    ...SQL,
    ...XSS,
    'abc',
    '06',
    '+33',
    '0466<script>',
    '04 66 12 34 5',
    '00000000000000000000',
    'NaN',
    '-1',
  ],
  areaId: [
    ...SQL,
    ...XSS,
    '1',
    '../../etc/passwd',
    'null',
    '00000000-0000-0000-0000-00000000000g',
    '{00000000-0000-0000-0000-000000000000}',
    // Well-formed, but no area of the territory: refused by the service before any write.
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
  ],
  consent: ['', 'off', 'false', '0', '1', 'yes', 'ON', 'On', ' on', 'on ', 'true ', 'TRUE', 'checked'],
};

/** The ways a value can be wrong for its rule. */
const FLAWS = ['control', 'surrogate', 'bytes', 'too long', 'repeated', 'wrong type', 'refused'] as const;
type Flaw = (typeof FLAWS)[number];

/** A value the rule of `field` must refuse, flawed as told (or in a random way). */
function invalidValue(field: Field, rng: Rng, flaw: Flaw = rng.pick([...FLAWS, 'refused'])): Value {
  const { kind, valid } = field;
  switch (flaw) {
    case 'control':
      return text(insert(valid, rng.pick(CONTROL), rng));
    case 'surrogate':
      return text(insert(valid, rng.pick(SURROGATES), rng));
    case 'bytes': {
      const at = 1 + rng.int(Math.max(1, valid.length - 1));
      return { t: 'bytes', before: valid.slice(0, at), bytes: rng.pick(BAD_UTF8), after: valid.slice(at) };
    }
    case 'too long': {
      const length = MAX[kind] + 1 + rng.int(10_000 - MAX[kind]);
      return text(
        rng.pick(['a', 'é', '0', '<', "'"]).repeat(length) + (kind === 'email' ? '@exemple.fr' : ''),
      );
    }
    case 'repeated':
      return { t: 'list', v: [valid, rng.chance(0.5) ? valid : hostileString(rng)] };
    case 'wrong type':
      return { t: 'json', v: rng.pick(WRONG_TYPES) };
    case 'refused':
      return text(rng.pick(REFUSED_BY[kind]));
  }
}

// ---------------------------------------------------------------------------------------------
// The route table: every route of the app must be here (checked by the first test)
// ---------------------------------------------------------------------------------------------

type Who = 'anonymous' | 'member';
interface Outcome {
  status: number | readonly number[];
  location?: string;
}
const OK: Outcome = { status: 200 };
const REFUSED: Outcome = { status: 422 };
const BAD_LINK: Outcome = { status: 400 };
/** A garbage path: not found, or refused by the router (bad escape 400, too long 414). */
const NOT_FOUND: Outcome = { status: [400, 404, 414] };
const redirect = (location: string): Outcome => ({ status: 303, location });
const both = (o: Outcome) => ({ anonymous: o, member: o });

interface RouteSpec {
  method: 'GET' | 'POST';
  /** As registered: `:param` and `*` included. */
  url: string;
  /**
   * The answer to garbage once the body parsed and the CSRF token is valid. `skip`: never sent with
   * a valid token (signing out would end the session the fuzzing uses).
   */
  answer: { anonymous: Outcome; member: Outcome | 'skip' };
  /** POST: the fields read, with their rule. */
  fields?: Record<string, Field>;
  /** GET: the query parameters read. */
  query?: string[];
  /** Routes with a parameter: garbage paths (`{theme}` is the territory's real theme file). */
  paths?: string[];
  /** A POST that takes no CSRF token (a signed token of its own): garbage gets its usual answer. */
  noCsrf?: boolean;
}

/** Garbage for a path parameter, some refused by the router itself (bad escape, too long). */
const GARBAGE_PARAMS = [
  '<script>alert(1)</script>',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  "' OR 1=1 --",
  '%FF',
  '%00',
  'a'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
  '..%2F..%2Fetc%2Fpasswd',
];
/** Garbage the router lets through, so the route itself must refuse it. */
const ROUTABLE_PARAMS = [
  '00000000-0000-0000-0000-000000000000',
  '%27%20OR%201%3D1%20--',
  '%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
  'a'.repeat(150),
  '1',
];
const withParams = (template: string, params: string[]) => params.map((p) => template.replace(/:\w+/, p));
/** Signed out, a page that needs a session redirects before it looks at its parameter. */
const SIGNED_OUT_PARAM: Outcome = { status: [303, 400, 404, 414], location: '/connexion' };
/** The filters of the posts list and of GET /api/v1/posts. */
const SEARCH = ['q', 'commune', 'pres', 'type', 'categorie', 'lat', 'lon', 'rayon', 'tri', 'apres'];
const NEEDS_SESSION = { anonymous: redirect('/connexion'), member: OK };

const EMAIL: Field = { kind: 'email', valid: 'personne@exemple.fr' };
const NEW_PASSWORD: Field = { kind: 'newPassword', valid: 'une phrase de passe solide' };

const ROUTES: RouteSpec[] = [
  { method: 'GET', url: '/', answer: both(OK) },
  { method: 'GET', url: '/healthz', answer: both(OK) },
  { method: 'GET', url: '/donnees-personnelles', answer: both(OK) },
  { method: 'GET', url: '/api/v1/territory', answer: both(OK) },
  { method: 'GET', url: '/api/v1/me', answer: { anonymous: { status: 401 }, member: OK } },
  { method: 'GET', url: '/inscription', answer: { anonymous: OK, member: redirect('/compte') } },
  { method: 'GET', url: '/inscription/verifiez', answer: both(OK) },
  { method: 'GET', url: '/compte', answer: { anonymous: redirect('/connexion'), member: OK } },
  { method: 'GET', url: '/compte/verifier', query: ['jeton'], answer: both(BAD_LINK) },
  { method: 'GET', url: '/connexion', answer: { anonymous: OK, member: redirect('/compte') } },
  { method: 'GET', url: '/mot-de-passe-oublie', answer: both(OK) },
  { method: 'GET', url: '/mot-de-passe-oublie/envoye', answer: both(OK) },
  { method: 'GET', url: '/mot-de-passe/nouveau', query: ['jeton'], answer: both(BAD_LINK) },
  { method: 'GET', url: '/dev/mails', answer: both(OK) },
  {
    method: 'GET',
    url: '/dev/mails/:id',
    answer: both(NOT_FOUND),
    paths: [
      '/dev/mails/<script>alert(1)</script>',
      "/dev/mails/' or 1=1 --",
      '/dev/mails/%27%20OR%201%3D1%20--',
      '/dev/mails/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/dev/mails/%FF',
      '/dev/mails/%C3%28',
      '/dev/mails/%00',
      '/dev/mails/%',
      `/dev/mails/${'a'.repeat(300)}`,
      '/dev/mails/00000000-0000-0000-0000-000000000000',
      '/dev/mails/00000000-0000-0000-0000-000000000000%27',
      '/dev/mails/..%2F..%2Fetc%2Fpasswd',
    ],
  },
  {
    method: 'GET',
    url: '/theme/:file',
    answer: both(NOT_FOUND),
    paths: [
      '/theme/../../etc/passwd',
      '/theme/..%2F..%2Fetc%2Fpasswd',
      '/theme/{theme}%00',
      '/theme/{theme}%00.js',
      '/theme/%3Cscript%3Ealert(1)%3C%2Fscript%3E.css',
      "/theme/' OR 1=1 --.css",
      '/theme/%FF.css',
      `/theme/${'a'.repeat(300)}.css`,
    ],
  },
  {
    method: 'GET',
    url: '/assets/*',
    answer: both(NOT_FOUND),
    paths: [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/..\\..\\package.json',
      '/assets/app.css%00',
      '/assets/<script>alert(1)</script>',
      '/assets/%FF',
      `/assets/${'a'.repeat(5000)}.css`,
    ],
  },
  {
    method: 'POST',
    url: '/inscription',
    answer: both(REFUSED),
    fields: {
      displayName: { kind: 'displayName', valid: 'Jeanne M.' },
      email: EMAIL,
      password: NEW_PASSWORD,
      homeAreaId: { kind: 'areaId', valid: '' },
      consent: { kind: 'consent', valid: 'on' },
    },
  },
  {
    method: 'POST',
    url: '/connexion',
    answer: both(REFUSED),
    fields: { email: EMAIL, password: { kind: 'currentPassword', valid: 'un mot de passe quelconque' } },
  },
  { method: 'POST', url: '/deconnexion', answer: { anonymous: redirect('/'), member: 'skip' } },
  { method: 'POST', url: '/mot-de-passe-oublie', answer: both(REFUSED), fields: { email: EMAIL } },
  {
    method: 'POST',
    url: '/mot-de-passe/nouveau',
    answer: both(REFUSED),
    fields: {
      token: { kind: 'token', valid: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      password: NEW_PASSWORD,
    },
  },
  {
    method: 'POST',
    url: '/compte',
    answer: { anonymous: redirect('/connexion'), member: REFUSED },
    fields: {
      displayName: { kind: 'displayName', valid: 'Jeanne M.' },
      phone: { kind: 'phone', valid: '04 66 12 34 56' },
      homeAreaId: { kind: 'areaId', valid: '' },
    },
  },
  {
    method: 'POST',
    url: '/compte/renvoyer-confirmation',
    // The member is verified: nothing to send, nothing written.
    answer: { anonymous: redirect('/connexion'), member: redirect('/compte') },
  },

  // Posts, API and its documentation (posts issue). Generic garbage only: their forms' fields are
  // not described here, so each form is refused as a whole (every required field missing).
  { method: 'GET', url: '/annonces', answer: both(OK), query: SEARCH },
  { method: 'GET', url: '/annonces/categories', answer: both(OK) },
  { method: 'GET', url: '/annonces/communes', answer: both(OK) },
  { method: 'GET', url: '/annonces/nouvelle', answer: NEEDS_SESSION },
  { method: 'GET', url: '/mes-annonces', answer: NEEDS_SESSION },
  {
    method: 'GET',
    url: '/annonces/categorie/:slug',
    answer: both(NOT_FOUND),
    paths: withParams('/annonces/categorie/:slug', GARBAGE_PARAMS),
  },
  {
    method: 'GET',
    url: '/annonces/commune/:code',
    answer: both(NOT_FOUND),
    paths: withParams('/annonces/commune/:code', GARBAGE_PARAMS),
  },
  {
    method: 'GET',
    url: '/annonces/:id',
    answer: both(NOT_FOUND),
    paths: withParams('/annonces/:id', GARBAGE_PARAMS),
  },
  ...['modifier', 'signaler', 'repondre'].map((action): RouteSpec => ({
    method: 'GET',
    url: `/annonces/:id/${action}`,
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams(`/annonces/:id/${action}`, GARBAGE_PARAMS),
  })),
  { method: 'POST', url: '/annonces', answer: { anonymous: redirect('/connexion'), member: REFUSED } },
  ...['modifier', 'prolonger', 'aide-apportee', 'retirer', 'signaler'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/annonces/:id/${action}`,
    // The edit form is checked before the post is looked for: 422 or 404, both right.
    answer: {
      anonymous: redirect('/connexion'),
      member: { status: action === 'modifier' ? [404, 422] : 404 },
    },
    paths: withParams(`/annonces/:id/${action}`, ROUTABLE_PARAMS),
  })),
  // Unknown filters are ignored (200); a known one with a bad value is refused (400).
  { method: 'GET', url: '/api/v1/posts', answer: both({ status: [200, 400] }), query: SEARCH },
  { method: 'GET', url: '/api/v1/posts/counts', answer: both({ status: [200, 400] }), query: SEARCH },
  {
    method: 'GET',
    url: '/api/v1/posts/:id',
    answer: both(NOT_FOUND),
    paths: withParams('/api/v1/posts/:id', GARBAGE_PARAMS),
  },
  { method: 'POST', url: '/api/v1/posts', answer: { anonymous: { status: 401 }, member: REFUSED } },
  { method: 'GET', url: '/api/v1/categories', answer: both(OK) },
  { method: 'GET', url: '/api/v1/areas', answer: both(OK) },
  { method: 'GET', url: '/api/openapi.json', answer: both(OK) },
  { method: 'GET', url: '/carte', answer: both(OK), query: ['type', 'categorie', 'commune', 'q'] },
  { method: 'GET', url: '/missions/carte', answer: both(OK) },
  // Garbage never holds a usable `bbox`: always refused.
  {
    method: 'GET',
    url: '/api/v1/posts.geojson',
    answer: both({ status: 400 }),
    query: ['bbox', 'zoom', 'type', 'categorie', 'commune', 'q'],
  },
  { method: 'GET', url: '/api/v1/areas.geojson', answer: both(OK) },
  { method: 'GET', url: '/api/docs', answer: both(OK) },

  // Conversations (issue 4). A conversation the member is not part of is not found.
  { method: 'GET', url: '/messages', answer: NEEDS_SESSION },
  {
    method: 'POST',
    url: '/messages/notifications',
    answer: { anonymous: redirect('/connexion'), member: REFUSED },
  },
  ...['', '/signaler'].map((suffix): RouteSpec => ({
    method: 'GET',
    url: `/messages/:id${suffix}`,
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams(`/messages/:id${suffix}`, GARBAGE_PARAMS),
  })),
  // The live stream and its polling fallback are fetched by scripts: no redirect, not found.
  ...['/flux', '/nouveaux'].map((suffix): RouteSpec => ({
    method: 'GET',
    url: `/messages/:id${suffix}`,
    answer: both(NOT_FOUND),
    paths: withParams(`/messages/:id${suffix}`, GARBAGE_PARAMS),
  })),
  // Forms with a text are checked before the conversation is looked for: 422 or 404, both right.
  ...['', '/partage', '/bloquer', '/debloquer', '/signaler'].map((suffix): RouteSpec => ({
    method: 'POST',
    url: `/messages/:id${suffix}`,
    answer: {
      anonymous: redirect('/connexion'),
      member: { status: suffix === '' || suffix === '/partage' ? [404, 422] : 404 },
    },
    paths: withParams(`/messages/:id${suffix}`, ROUTABLE_PARAMS),
  })),
  ...['repondre', 'qui-a-aide'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/annonces/:id/${action}`,
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams(`/annonces/:id/${action}`, ROUTABLE_PARAMS),
  })),
  { method: 'GET', url: '/notifications/desabonnement', answer: both(BAD_LINK), query: ['jeton'] },
  // Mail clients post here without our CSRF token (RFC 8058): the signed token is the proof.
  { method: 'POST', url: '/notifications/desabonnement', answer: both(BAD_LINK), noCsrf: true },
  { method: 'GET', url: '/api/v1/conversations', answer: { anonymous: { status: 401 }, member: OK } },
  {
    method: 'GET',
    url: '/api/v1/conversations/:id/messages',
    // Signed out: 401 once routed; a path the router refuses or cannot match stays 400/404/414.
    answer: { anonymous: { status: [400, 401, 404, 414] }, member: NOT_FOUND },
    paths: withParams('/api/v1/conversations/:id/messages', GARBAGE_PARAMS),
  },
  ...['/api/v1/conversations/:id/messages', '/api/v1/posts/:id/conversations'].map((url): RouteSpec => ({
    method: 'POST',
    url,
    answer: { anonymous: { status: 401 }, member: { status: [404, 422] } },
    paths: withParams(url, ROUTABLE_PARAMS),
  })),
  // Structures, projects, missions and applications (issue 5). Generic garbage only; what the
  // member may not manage (every structure and mission of the fuzzing) is not found.
  { method: 'GET', url: '/structures', answer: both(OK), query: ['domaine', 'categorie', 'commune', 'page'] },
  { method: 'GET', url: '/structures/carte', answer: both(OK), query: ['domaine', 'categorie', 'commune'] },
  { method: 'GET', url: '/projets', answer: both(OK), query: ['page'] },
  { method: 'GET', url: '/structures/nouvelle', answer: NEEDS_SESSION },
  { method: 'POST', url: '/structures', answer: { anonymous: redirect('/connexion'), member: REFUSED } },
  {
    method: 'GET',
    url: '/structures/invitation',
    answer: { anonymous: redirect('/connexion'), member: BAD_LINK },
    query: ['jeton'],
  },
  {
    method: 'POST',
    url: '/structures/invitation',
    answer: { anonymous: redirect('/connexion'), member: BAD_LINK },
  },
  {
    method: 'GET',
    url: '/structures/:slug',
    answer: both(NOT_FOUND),
    paths: withParams('/structures/:slug', GARBAGE_PARAMS),
  },
  ...['/gestion', '/modifier', '/projets/nouveau', '/missions/nouvelle'].map((suffix): RouteSpec => ({
    method: 'GET',
    url: `/structures/:slug${suffix}`,
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams(`/structures/:slug${suffix}`, GARBAGE_PARAMS),
  })),
  ...['/projets', '/invitations', '/missions', '/competences', '/modifier'].map((suffix): RouteSpec => ({
    method: 'POST',
    url: `/structures/:slug${suffix}`,
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams(`/structures/:slug${suffix}`, ROUTABLE_PARAMS),
  })),
  {
    method: 'GET',
    url: '/admin/structures',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
  },
  ...['valider', 'refuser'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/admin/structures/:id/${action}`,
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams(`/admin/structures/:id/${action}`, ROUTABLE_PARAMS),
  })),
  {
    method: 'GET',
    url: '/missions',
    answer: both(OK),
    query: [
      'domaine',
      'categorie',
      'commune',
      'pres',
      'lat',
      'lon',
      'rayon',
      'du',
      'au',
      'competence',
      'distance',
      'tri',
      'apres',
    ],
  },
  { method: 'GET', url: '/missions/carte', answer: both(OK) },
  {
    method: 'GET',
    url: '/missions/:id',
    answer: both(NOT_FOUND),
    paths: withParams('/missions/:id', GARBAGE_PARAMS),
  },
  {
    method: 'GET',
    url: '/missions/:id/modifier',
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams('/missions/:id/modifier', GARBAGE_PARAMS),
  },
  {
    method: 'POST',
    url: '/missions/:id/modifier',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams('/missions/:id/modifier', ROUTABLE_PARAMS),
  },
  {
    method: 'GET',
    url: '/missions/:id/candidatures',
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams('/missions/:id/candidatures', GARBAGE_PARAMS),
  },
  ...['candidature', 'candidatures', 'cloturer', 'annuler'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/missions/:id/${action}`,
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams(`/missions/:id/${action}`, ROUTABLE_PARAMS),
  })),
  ...['decision', 'retirer'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/candidatures/:id/${action}`,
    // The decision is read before the application is looked for: 422 or 404, both right.
    answer: {
      anonymous: redirect('/connexion'),
      member: { status: action === 'decision' ? [404, 422] : 404 },
    },
    paths: withParams(`/candidatures/:id/${action}`, ROUTABLE_PARAMS),
  })),
  { method: 'GET', url: '/mes-candidatures', answer: NEEDS_SESSION },
  { method: 'GET', url: '/mes-structures', answer: NEEDS_SESSION },
  { method: 'GET', url: '/compte/benevole', answer: NEEDS_SESSION },
  { method: 'POST', url: '/compte/benevole', answer: { anonymous: redirect('/connexion'), member: REFUSED } },
  {
    method: 'GET',
    url: '/api/v1/organizations',
    answer: both({ status: [200, 400] }),
    query: ['domaine', 'categorie', 'commune', 'page'],
  },
  {
    method: 'GET',
    url: '/api/v1/organizations/:slug',
    answer: both(NOT_FOUND),
    paths: withParams('/api/v1/organizations/:slug', GARBAGE_PARAMS),
  },
  {
    method: 'GET',
    url: '/api/v1/missions',
    answer: both({ status: [200, 400] }),
    query: [
      'domaine',
      'categorie',
      'commune',
      'pres',
      'lat',
      'lon',
      'rayon',
      'du',
      'au',
      'competence',
      'distance',
      'tri',
      'apres',
    ],
  },
  { method: 'GET', url: '/api/v1/missions.geojson', answer: both({ status: 400 }), query: ['bbox'] },
  {
    method: 'GET',
    url: '/api/v1/organizations.geojson',
    answer: both({ status: 400 }),
    query: ['bbox', 'domaine', 'categorie', 'commune'],
  },
  {
    method: 'POST',
    url: '/api/v1/missions/:id/applications',
    answer: { anonymous: { status: 401 }, member: { status: [404, 422] } },
    paths: withParams('/api/v1/missions/:id/applications', ROUTABLE_PARAMS),
  },
  // The call centre (issue 6). The console is staff only: a member gets the 404 of a page that
  // does not exist. The online request form is public; robots' honeypot answers like success.
  {
    method: 'GET',
    url: '/console',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    query: ['urgence', 'statut', 'commune', 'tri'],
  },
  { method: 'GET', url: '/console/appel', answer: { anonymous: redirect('/connexion'), member: NOT_FOUND } },
  { method: 'POST', url: '/console/appel', answer: { anonymous: redirect('/connexion'), member: NOT_FOUND } },
  {
    method: 'GET',
    url: '/console/competences',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
  },
  {
    method: 'POST',
    url: '/console/competences',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
  },
  {
    method: 'GET',
    url: '/console/doublons',
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    query: ['phone', 'lastName', 'commune'],
  },
  ...['', '/fiche', '/annonce'].map((suffix): RouteSpec => ({
    method: 'GET',
    url: `/console/dossiers/:id${suffix}`,
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams(`/console/dossiers/:id${suffix}`, GARBAGE_PARAMS),
  })),
  ...['evenements', 'rappel', 'cloture', 'orienter', 'competence', 'etape', 'retirer', 'annonce'].map(
    (action): RouteSpec => ({
      method: 'POST',
      url: `/console/dossiers/:id/${action}`,
      answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
      paths: withParams(`/console/dossiers/:id/${action}`, ROUTABLE_PARAMS),
    }),
  ),
  { method: 'GET', url: '/demander-de-l-aide', answer: both(OK) },
  { method: 'GET', url: '/demander-de-l-aide/merci', answer: both(OK) },
  {
    method: 'POST',
    url: '/demander-de-l-aide',
    answer: both(REFUSED),
    fields: {
      phone: { kind: 'phone', valid: '04 66 12 34 56' },
      consent: { kind: 'consent', valid: 'on' },
    },
  },
  { method: 'GET', url: '/demandes-confiees', answer: NEEDS_SESSION },
  {
    method: 'GET',
    url: '/demandes-confiees/:id',
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams('/demandes-confiees/:id', GARBAGE_PARAMS),
  },
  ...['reponse', 'avancement'].map((action): RouteSpec => ({
    method: 'POST',
    url: `/demandes-confiees/:id/${action}`,
    // The answer is read before the case is looked for: 422 or 404, both right.
    answer: { anonymous: redirect('/connexion'), member: { status: [404, 422] } },
    paths: withParams(`/demandes-confiees/:id/${action}`, ROUTABLE_PARAMS),
  })),
  {
    method: 'GET',
    url: '/structures/:slug/api',
    answer: { anonymous: SIGNED_OUT_PARAM, member: NOT_FOUND },
    paths: withParams('/structures/:slug/api', GARBAGE_PARAMS),
  },
  ...['/structures/:slug/api', '/structures/:slug/api/:id/revoquer'].map((url): RouteSpec => ({
    method: 'POST',
    url,
    answer: { anonymous: redirect('/connexion'), member: NOT_FOUND },
    paths: withParams(url, ROUTABLE_PARAMS),
  })),
  { method: 'GET', url: '/api/v1/cases', answer: both({ status: 401 }), query: ['apres'] },
  // A structure's key is the proof (no session, no CSRF token): without one, 401.
  {
    method: 'POST',
    url: '/api/v1/cases/:id/status',
    answer: both({ status: [400, 401, 404, 414] }),
    paths: withParams('/api/v1/cases/:id/status', ROUTABLE_PARAMS),
    noCsrf: true,
  },
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** `METHOD /url` of every route the app registered (HEAD routes, derived from GET, left out). */
function registeredRoutes(app: FastifyInstance): string[] {
  const found: string[] = [];
  for (const method of METHODS) {
    // The radix tree: a route's URL is the concatenation of the segments down to its node.
    const segments: string[] = [];
    for (const line of app.printRoutes({ method }).split('\n')) {
      const m = /^((?:[│ ] {3})*)[└├]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
      if (!m) continue;
      segments.length = m[1]!.length / 4;
      segments.push(m[2]!);
      if (m[3]?.split(', ').includes(method)) found.push(`${method} ${segments.join('')}`);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The error sentences of the catalogue, placeholders as wildcards: `errors.*`, `error.*Text`, and
 * the modules' own (`*.invalid`, `*NotFound`, `*.error…`, e.g. api.postNotFound, map.errorBbox).
 */
const FRENCH_ERRORS = Object.entries(fr)
  .filter(([key]) => /^errors\.|^error\.\w+Text$|\.error[A-Z]\w*$|\.invalid$|NotFound$/.test(key))
  .map(
    ([, sentence]) =>
      new RegExp(
        sentence
          .split(/\{\w+\}/)
          .map(escapeRegExp)
          .join('.{0,60}'),
      ),
  );
const hasFrenchError = (body: string) => FRENCH_ERRORS.some((re) => re.test(body));

const TAG = /<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
/** A tag the application did not write itself, or null. */
function injectedMarkup(html: string): string | null {
  for (const [tag, name, attributes = ''] of html.matchAll(TAG)) {
    const names = attributes.replace(/"[^"]*"|'[^']*'/g, '""');
    if (/\son[a-z]+\s*=/i.test(names)) return tag.slice(0, 120);
    if (name!.toLowerCase() === 'script' && !/\ssrc="\/assets\/[^"]+"/.test(attributes))
      return tag.slice(0, 120);
    if (/\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:/i.test(attributes))
      return tag.slice(0, 120);
  }
  return null;
}

/** What is wrong with a response, in words; empty when it is right. */
function problemsOf(res: LightMyRequestResponse, expected: Outcome): string[] {
  const problems: string[] = [];
  const statuses = [expected.status].flat();
  if (res.statusCode >= 500) problems.push('server error');
  else if (!statuses.includes(res.statusCode))
    problems.push(`status ${res.statusCode}, expected ${statuses.join(' or ')}`);
  if (res.statusCode === 303 && expected.location !== undefined && res.headers.location !== expected.location)
    problems.push(`redirected to ${res.headers.location}, expected ${expected.location}`);
  if (res.statusCode >= 400 && !hasFrenchError(res.body)) problems.push('no French error sentence');
  const raw = NEVER_RAW.find((s) => res.body.includes(s));
  if (raw) problems.push(`echoes ${raw} unescaped`);
  if (String(res.headers['content-type'] ?? '').startsWith('text/html')) {
    const tag = injectedMarkup(res.body);
    if (tag) problems.push(`markup the app did not write: ${tag}`);
  }
  return problems;
}

/** Row count and content hash of every table of the schema: any INSERT, UPDATE or DELETE changes it. */
const TABLES = Object.values(schema).flatMap((v) => (is(v, PgTable) ? [getTableName(v)] : []));
async function fingerprint(database: Database): Promise<Record<string, string>> {
  const columns = TABLES.map(
    (name) =>
      `(select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') from "${name}" x) as "${name}"`,
  );
  const [row] = await queryRows<Record<string, string>>(database.db, sql.raw(`select ${columns.join(', ')}`));
  return row!;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

type CsrfMode = 'valid' | 'missing' | 'garbage' | 'cross-site';
interface Case {
  label: string;
  who: Who;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  /** Replaces the client's cookies. */
  cookie?: string;
  expect: Outcome;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/** `key=value` as a browser encodes it (a lone surrogate becomes U+FFFD, as in browsers). */
const pair = (key: string, value: string) => new URLSearchParams([[key, value]]).toString();
const encoded = (value: string) => pair('', value).slice(1);

interface Session {
  cookie: string;
  token: string;
}

function formBody(fields: Array<[string, Value]>, rawBytes: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const [key, value] of fields) {
    if (chunks.length) chunks.push(Buffer.from('&'));
    if (value.t === 'text') chunks.push(Buffer.from(pair(key, value.v)));
    else if (value.t === 'list') chunks.push(Buffer.from(value.v.map((v) => pair(key, v)).join('&')));
    else if (value.t === 'json') chunks.push(Buffer.from(pair(key, JSON.stringify(value.v))));
    else {
      chunks.push(Buffer.from(`${encoded(key)}=${encoded(value.before)}`));
      chunks.push(
        rawBytes
          ? Buffer.from(value.bytes)
          : Buffer.from(value.bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('')),
      );
      chunks.push(Buffer.from(encoded(value.after)));
    }
  }
  return Buffer.concat(chunks);
}

const BYTES_MARK = '@@bytes@@';
function jsonBody(fields: Array<[string, Value]>): Buffer {
  let bytes: number[] = [];
  const object: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    if (value.t === 'bytes') {
      object[key] = value.before + BYTES_MARK + value.after;
      bytes = value.bytes;
    } else object[key] = value.v;
  }
  const [head, tail = ''] = JSON.stringify(object).split(BYTES_MARK);
  return Buffer.concat([Buffer.from(head!), Buffer.from(bytes), Buffer.from(tail)]);
}

type Encoding = 'form' | 'form-bytes' | 'json' | 'json-bytes';

/**
 * A form whose `target` field is certainly invalid, sent in one of the ways a client can. Random
 * throughout, or, with `fixed`, one given flaw of one given field, the other fields valid and
 * the CSRF token right: then nothing but that flaw can make the route refuse the form.
 */
function fieldCase(
  route: RouteSpec,
  who: Who,
  session: Session,
  rng: Rng,
  fixed?: { target: string; flaw: Flaw; encoding?: Encoding },
): Case {
  const answer = route.answer[who];
  const fields = route.fields ?? {};
  const names = Object.keys(fields);
  const target = fixed?.target ?? (names.length ? rng.pick(names) : rng.pick(['email', 'displayName', 'x']));
  const culprit = names.length ? invalidValue(fields[target]!, rng, fixed?.flaw) : hostileValue(rng, true);

  const encoding: Encoding =
    fixed?.encoding ??
    (culprit.t === 'json'
      ? 'json'
      : culprit.t === 'bytes'
        ? rng.pick(['form', 'form-bytes', 'json-bytes'] as const)
        : rng.pick(['form', 'json'] as const));
  const json = encoding.startsWith('json');

  let csrf: CsrfMode = fixed
    ? 'valid'
    : rng.pick(['valid', 'valid', 'valid', 'valid', 'valid', 'missing', 'garbage', 'cross-site']);
  if (answer === 'skip' && csrf === 'valid') csrf = 'missing';

  const body: Array<[string, Value]> = [];
  const headers: Record<string, string> = {};
  if (csrf === 'valid' || csrf === 'cross-site') {
    if (json && rng.chance(0.7)) headers['x-csrf-token'] = session.token;
    else body.push(['_csrf', text(session.token)]);
  }
  if (csrf === 'cross-site') headers.origin = rng.pick(['https://attaquant.example', '<script>', 'file://']);
  if (csrf === 'garbage') {
    if (rng.chance(0.5)) headers['x-csrf-token'] = rng.pick(SQL);
    else
      body.push([
        '_csrf',
        rng.chance(0.5) ? { t: 'list', v: [session.token, session.token] } : hostileValue(rng, json),
      ]);
  }
  for (const name of names) {
    if (name === target) body.push([name, culprit]);
    else body.push([name, fixed || rng.chance(0.5) ? text(fields[name]!.valid) : hostileValue(rng, json)]);
  }
  if (!names.length) body.push([target, culprit]);
  if (rng.chance(0.3)) for (const [k, v] of Object.entries(MASS_ASSIGNMENT)) body.push([k, text(v)]);
  // The order of fields must not matter.
  if (rng.chance(0.5)) body.reverse();

  const payload = json ? jsonBody(body) : formBody(body, encoding === 'form-bytes');
  headers['content-type'] = json ? JSON_TYPE : FORM;
  const expected: Outcome =
    payload.length > LIMITS.bodyBytes
      ? { status: 413 }
      : csrf !== 'valid' && !route.noCsrf
        ? { status: 403 }
        : (answer as Outcome);
  const shown =
    culprit.t === 'text'
      ? JSON.stringify(culprit.v.slice(0, 60))
      : culprit.t === 'bytes'
        ? `bytes ${culprit.bytes.map((b) => b.toString(16)).join(' ')}`
        : JSON.stringify(culprit.v)?.slice(0, 60);
  return {
    label: `${encoding}, csrf ${csrf}, bad ${target}${fixed ? ` (${fixed.flaw})` : ''}: ${shown}`,
    who,
    method: route.method,
    url: route.paths ? rng.pick(route.paths) : route.url,
    headers,
    payload,
    expect: expected,
  };
}

/** Bodies that are wrong as a whole: unparsable, wrong type, too large, or parsable but empty. */
function bodyCases(route: RouteSpec, who: Who, session: Session): Case[] {
  const answer = route.answer[who];
  const first = Object.entries(route.fields ?? {})[0];
  const duplicated = first
    ? `{"${first[0]}":${JSON.stringify(first[1].valid)},"${first[0]}":"\\u0000"}`
    : '{"a":1,"a":2}';
  const multipart =
    '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n<script>alert(1)</script>\r\n--x--\r\n';
  const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
  // [label, payload, content type, status when the body itself is refused]
  const bodies: Array<[string, string | Buffer, string | undefined, number?]> = [
    ['truncated JSON', '{"email":', JSON_TYPE, 400],
    ['empty JSON', '', JSON_TYPE, 400],
    ['JSON __proto__', '{"__proto__":{"admin":true}}', JSON_TYPE, 400],
    ['JSON constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}', JSON_TYPE, 400],
    ['JSON in UTF-16', Buffer.from('{"email":"a@b.fr"}', 'utf16le'), 'application/json; charset=utf-16', 400],
    ['JSON array', '[1,2,3]', JSON_TYPE],
    ['JSON null', 'null', JSON_TYPE],
    ['JSON string', '"<script>alert(1)</script>"', JSON_TYPE],
    ['JSON number', '1e999', JSON_TYPE],
    ['JSON with BOM', '\ufeff{}', JSON_TYPE],
    ['JSON 20 000 levels deep', '['.repeat(20_000) + ']'.repeat(20_000), JSON_TYPE],
    ['JSON 5 000 nested objects', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000), JSON_TYPE],
    [
      'JSON 3 000 keys',
      JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, 'x']))),
      JSON_TYPE,
    ],
    ['JSON duplicate key, last one invalid', duplicated, JSON_TYPE],
    ['text/plain', 'email=a@b.fr', 'text/plain', 415],
    ['multipart', multipart, 'multipart/form-data; boundary=x', 415],
    ['XML with an external entity', xxe, 'application/xml', 415],
    ['no content type', 'email=a', undefined, 415],
    ['unreadable content type', 'email=a', ';;;', 415],
    ['two content types', 'email=a', 'application/json, text/html', 415],
    ['form over 64 KiB', `email=${'a'.repeat(100_000)}`, FORM, 413],
    ['JSON over 64 KiB', JSON.stringify({ email: 'é'.repeat(40_000) }), JSON_TYPE, 413],
    ['empty form', '', FORM],
    ['form of separators', '&&&===&=&', FORM],
    ['form of raw bytes', Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0xc3, 0x28]), FORM],
    ['form with 5 000 repeated keys', 'a=1&'.repeat(5_000), FORM],
  ];
  return bodies.map(([label, payload, type, refusedWith], i) => {
    const withToken = answer !== 'skip';
    const headers: Record<string, string> = withToken ? { 'x-csrf-token': session.token } : {};
    if (type) headers['content-type'] = type;
    return {
      label,
      who,
      method: route.method,
      url: route.paths ? route.paths[i % route.paths.length]! : route.url,
      headers,
      payload,
      expect: refusedWith
        ? { status: refusedWith }
        : withToken || route.noCsrf
          ? (answer as Outcome)
          : { status: 403 },
    };
  });
}

/** Garbage query strings for a GET route. */
function queryCases(route: RouteSpec, who: Who, rng: Rng, all: boolean): Case[] {
  // Each query picks one of the parameters the route reads (any name when it reads none).
  const keys = route.query ?? ['jeton', 'q', 'page', 'redirect'];
  const templates: Array<(k: string) => string> = [
    (k) => `?${k}=<script>alert(1)</script>`,
    (k) => `?${pair(k, '"><img src=x onerror=alert(1)>')}`,
    (k) => `?${k}[]=x`,
    (k) => `?${k}=a&${k}=b`,
    (k) => `?${k}=${'a'.repeat(100_000)}`,
    (k) => `?${k}=%FF`,
    (k) => `?${k}=%C3%28`,
    (k) => `?${k}=%00`,
    (k) => `?${k}=%E2%80%A8`,
    () => `?%FF=%FF`,
    () => `?__proto__[admin]=1`,
    (k) => `?${k}[__proto__][admin]=1`,
    (k) => `?${pair(k, "' OR 1=1 --")}`,
    (k) => `?${k}`,
    () => `?=&&=`,
    () => `?${pair('redirect', 'javascript:alert(1)')}`,
    (k) => `?${pair(k, hostileString(rng))}`,
    (k) => `?${pair(k, hostileString(rng))}`,
  ];
  // Markup goes into every parameter the route reads (it may be shown again); the rest into one.
  const queries = templates.flatMap((template, i) =>
    i < 2 && route.query ? keys.map(template) : [template(rng.pick(keys))],
  );
  const chosen = all ? queries : Array.from({ length: 4 }, () => rng.pick(queries));
  return chosen.map((query) => ({
    label: `query ${query.slice(0, 60)}`,
    who,
    method: 'GET',
    url: route.url + query,
    expect: route.answer[who] as Outcome,
  }));
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

/**
 * On PostgreSQL, a database of this file's own: the other test files write into the shared one at
 * the same time, and « nothing was written » is checked on whole tables.
 */
async function openPrivateDatabase(): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (testDbKind() !== 'postgres') {
    const database = await openTestDatabase();
    return { database, dispose: () => database.close() };
  }
  const shared = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${shared.pathname.slice(1) || 'test'}_hostile_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared.href });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(shared.href);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.href });
  await runMigrations(database, url.href);
  return {
    database,
    async dispose() {
      await database.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

let t: TestApp;
let dispose: () => Promise<void>;
let member: TestClient;
let sessions: Record<Who, Session>;
let sent = 0;

beforeAll(async () => {
  const opened = await openPrivateDatabase();
  dispose = opened.dispose;
  t = await createTestApp({ database: opened.database });
  const account = await createMember(t);
  member = new TestClient(t.app, t.host);
  await member.logIn(account.email, account.password);
  const anonymous = new TestClient(t.app, t.host);
  const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  sessions = {
    anonymous: { token: await anonymous.csrfToken(), cookie: cookieOf(anonymous) },
    member: { token: await member.csrfToken(), cookie: cookieOf(member) },
  };
});

afterAll(async () => {
  await t?.close();
  await dispose?.();
  console.log(`hostile input: ${sent} requests, seed ${SEED}`);
});

/** Requests between two looks at the tables: a write is pinned down to one batch. */
const BATCH = 10;

/** Sends every case, checking each answer, and that no table changed after each batch. */
async function run(cases: Case[]): Promise<string[]> {
  const failures: string[] = [];
  let before = await fingerprint(t.database);
  for (let start = 0; start < cases.length; start += BATCH) {
    const batch = cases.slice(start, start + BATCH);
    for (const [j, c] of batch.entries()) {
      const res = await t.app.inject({
        method: c.method as 'GET',
        url: c.url,
        headers: { host: t.host, cookie: c.cookie ?? sessions[c.who].cookie, ...c.headers },
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      sent++;
      const problems = problemsOf(res, c.expect);
      if (problems.length)
        failures.push(
          `#${start + j} ${describeCase(c)}: ${problems.join('; ')}` +
            ` — HTTP ${res.statusCode} ${JSON.stringify(res.body.slice(0, 160))}`,
        );
    }
    const after = await fingerprint(t.database);
    const written = TABLES.filter((name) => after[name] !== before[name]);
    if (written.length) {
      failures.push(
        `requests #${start} to #${start + batch.length - 1} wrote into ${written.join(', ')}:\n  ` +
          batch.map(describeCase).join('\n  '),
      );
      before = after;
    }
  }
  return failures;
}

const describeCase = (c: Case) => `${c.who} ${c.method} ${c.url.slice(0, 80)} (${c.label})`;

const replay = (what: string) =>
  `${what} — seed ${SEED}, replay with HOSTILE_SEED=${SEED} npx vitest run tests/integration/hostile-input.test.ts`;

describe('hostile input on every route', () => {
  it('fuzzes a table that lists every route of the app', () => {
    const registered = registeredRoutes(t.app);
    const table = ROUTES.map((r) => `${r.method} ${r.url}`);
    expect(registered).toContain('POST /inscription');
    expect(registered).toContain('GET /dev/mails/:id');
    expect(
      registered.filter((r) => !table.includes(r)),
      'routes missing from ROUTES in tests/integration/hostile-input.test.ts: add them with their garbage answer',
    ).toEqual([]);
    expect(
      table.filter((r) => !registered.includes(r)),
      'routes of ROUTES that the app no longer has',
    ).toEqual([]);
  });

  it('refuses garbage posted to every form, signed in or not, with a French 4xx and no write', async () => {
    const rng = new Rng(SEED);
    const cases: Case[] = [];
    for (const route of ROUTES.filter((r) => r.method === 'POST')) {
      for (const who of ['anonymous', 'member'] as const) {
        const session = sessions[who];
        // Every flaw of every field, alone (each sort of bad bytes in each encoding)…
        // (once per route: signed out, unless the route reads nothing then).
        const reader = route.answer.anonymous === REFUSED ? 'anonymous' : 'member';
        if (who === reader && route.answer[who] === REFUSED)
          for (const target of Object.keys(route.fields ?? {}))
            for (const flaw of FLAWS)
              for (const encoding of flaw === 'bytes'
                ? (['form', 'form-bytes', 'json-bytes'] as const)
                : [undefined])
                cases.push(fieldCase(route, who, session, rng, { target, flaw, encoding }));
        // …then anything at all.
        for (let i = 0; i < 8; i++) cases.push(fieldCase(route, who, session, rng));
        // Every kind of body signed out; a sample of them signed in.
        const bodies = bodyCases(route, who, session);
        cases.push(...(who === 'anonymous' ? bodies : Array.from({ length: 6 }, () => rng.pick(bodies))));
      }
    }
    const failures = await run(cases);
    expect(failures.slice(0, 30), replay(`${failures.length} of ${cases.length} requests`)).toEqual([]);
    // The member's session survived it all.
    expect((await member.get('/api/v1/me')).statusCode).toBe(200);
  }, 120_000);

  it('answers garbage queries, paths, methods, cookies and headers without a 5xx or a write', async () => {
    const rng = new Rng(SEED ^ 0x9e3779b9);
    const theme = /href="\/theme\/([^"]+)"/.exec((await member.get('/')).body)?.[1] ?? 'x.css';
    const cases: Case[] = [];
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      for (const who of ['anonymous', 'member'] as const) {
        if (route.paths)
          for (const path of route.paths)
            cases.push({
              label: 'garbage path',
              who,
              method: 'GET',
              url: path.replace('{theme}', theme),
              expect: route.answer[who] as Outcome,
            });
        else cases.push(...queryCases(route, who, rng, who === 'anonymous'));
      }
    }
    for (const url of [
      '/<script>alert(1)</script>',
      '/api/v1/%3Cscript%3E',
      '/%FF',
      '/compte/%00',
      `/${'x'.repeat(10_000)}`,
      '/inscription/%27%20OR%201%3D1%20--',
      '/api/v1/me/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
    ])
      cases.push({ label: 'unknown path', who: 'anonymous', method: 'GET', url, expect: NOT_FOUND });

    // Other methods on every route: refused by the CSRF check, or not found.
    for (const route of ROUTES.filter((r) => !r.paths)) {
      const method = rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS']);
      const withToken = method !== 'OPTIONS' && rng.chance(0.5);
      cases.push({
        label: `${method}${withToken ? ' with token' : ''}`,
        who: 'anonymous',
        method,
        url: route.url,
        headers: withToken ? { 'x-csrf-token': sessions.anonymous.token } : {},
        expect: { status: method === 'OPTIONS' || withToken ? 404 : 403 },
      });
    }

    // Cookies and headers.
    const csrfCookie = sessions.anonymous.cookie;
    const garbageCookies = [
      `mf_session=${encoded("' OR 1=1 --")}`,
      `mf_session=${'a'.repeat(4000)}`,
      `mf_session=%FF%FE`,
      'mf_session=a; mf_session=b',
      'mf_flash=s:login.success.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `mf_flash=${encoded('<script>alert(1)</script>')}`,
      'mf_flash=errors.csrf',
      `mf_csrf=${encoded('"><img src=x onerror=alert(1)>')}`,
      `mf_csrf=${'b'.repeat(4000)}`,
      ';;;==;=',
    ];
    for (const cookie of garbageCookies) {
      cases.push({
        label: `cookie ${cookie.slice(0, 40)}`,
        who: 'anonymous',
        method: 'GET',
        url: '/',
        cookie,
        expect: OK,
      });
      cases.push({
        label: `member cookie replaced by ${cookie.slice(0, 40)}`,
        who: 'member',
        method: 'GET',
        url: '/compte',
        cookie,
        expect: redirect('/connexion'),
      });
    }
    const loginForm = (token: string) => `_csrf=${token}&email=${encoded("' OR 1=1 --")}&password=x`;
    const headerCases: Array<[string, Record<string, string>, string, Outcome]> = [
      ['x-request-id <script>', { 'x-request-id': '<script>alert(1)</script>' }, 'GET', OK],
      ['accept-language garbage', { 'accept-language': "<script>alert(1)</script>' OR 1=1" }, 'GET', OK],
      ['10 000-character user agent', { 'user-agent': 'x'.repeat(10_000) }, 'GET', OK],
      ['x-forwarded-for garbage', { 'x-forwarded-for': "' OR 1=1 --, <script>" }, 'GET', OK],
      ['referer javascript:', { referer: 'javascript:alert(1)' }, 'GET', OK],
      ['origin <script>', { origin: '<script>alert(1)</script>' }, 'POST', { status: 403 }],
      ['origin of another site', { origin: 'https://attaquant.example' }, 'POST', { status: 403 }],
      ['origin null (privacy mode)', { origin: 'null' }, 'POST', REFUSED],
      [
        'garbage header token beats a valid form token',
        { 'x-csrf-token': "' OR 1=1 --" },
        'POST',
        { status: 403 },
      ],
      ['header token of 10 000 characters', { 'x-csrf-token': 'A'.repeat(10_000) }, 'POST', { status: 403 }],
    ];
    for (const [label, headers, method, expected] of headerCases)
      cases.push({
        label,
        who: 'anonymous',
        method,
        url: method === 'GET' ? '/' : '/connexion',
        cookie: csrfCookie,
        headers: method === 'GET' ? headers : { ...headers, 'content-type': FORM },
        ...(method === 'GET' ? {} : { payload: loginForm(sessions.anonymous.token) }),
        expect: expected,
      });
    cases.push({
      label: 'garbage CSRF cookie with the token of the real one',
      who: 'anonymous',
      method: 'POST',
      url: '/connexion',
      cookie: 'mf_csrf=%FF%FE',
      headers: { 'content-type': FORM },
      payload: loginForm(sessions.anonymous.token),
      expect: { status: 403 },
    });

    const failures = await run(cases);
    expect(failures.slice(0, 30), replay(`${failures.length} of ${cases.length} requests`)).toEqual([]);
  }, 120_000);
});

describe('markup typed as valid input', () => {
  const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
  const pathOf = (link: string) => {
    const u = new URL(link);
    return u.pathname + u.search;
  };

  /** `shown` is on the page, escaped, and nowhere raw; the page carries no markup of its own making. */
  function expectEscaped(res: LightMyRequestResponse, shown: string, where: string) {
    expect(res.statusCode, where).toBeLessThan(500);
    expect(res.body, where).toContain(escapeHtml(shown));
    expect(res.body, where).not.toContain(shown);
    for (const raw of NEVER_RAW) expect(res.body, where).not.toContain(raw);
    expect(injectedMarkup(res.body), where).toBeNull();
  }

  it('shows it escaped on every page and mail that shows it, and in every form shown again', async () => {
    for (const [i, payload] of PAYLOADS.entries()) {
      const other = PAYLOADS[1 - i]!;
      const client = new TestClient(t.app, t.host);
      const email = `${uniqueSlug('balise')}@exemple.fr`;
      const password = `${payload} phrase`;

      // Sign-up: display name and password are both legal as they are.
      const signUp = await client.post('/inscription', {
        displayName: payload,
        email,
        password,
        consent: 'on',
      });
      expect(signUp.statusCode).toBe(303);
      const [stored] = await t.database.db
        .select()
        .from(schema.account)
        .where(eq(schema.account.email, email));
      expect(stored?.displayName).toBe(payload);

      // The verification mail, in the development mailbox and as sent (HTML part).
      const verifyMail = (await lastMailTo(t.database, email))!;
      expect(verifyMail.text).toContain(`Bonjour ${payload},`);
      expect(verifyMail.html).toContain(escapeHtml(`Bonjour ${payload},`));
      expect(verifyMail.html).not.toContain(payload);
      expect(injectedMarkup(verifyMail.html)).toBeNull();
      expectEscaped(await client.get(`/dev/mails/${verifyMail.id}`), `Bonjour ${payload},`, 'mailbox: mail');
      const mailbox = await client.get('/dev/mails');
      expect(mailbox.statusCode).toBe(200);
      expect(injectedMarkup(mailbox.body)).toBeNull();

      expect((await client.get(pathOf(firstLink(verifyMail.text)!))).statusCode).toBe(200);
      await client.logIn(email, password);
      expectEscaped(await client.get('/'), `Bonjour ${payload}`, 'home');
      expectEscaped(await client.get('/compte'), payload, '/compte');
      const me = await client.get('/api/v1/me');
      expect(me.headers['content-type']).toMatch(/^application\/json/);
      expect(me.json().displayName).toBe(payload);

      // Profile: the other payload, with fields the form does not have.
      const saved = await client.post('/compte', {
        displayName: other,
        phone: '',
        homeAreaId: '',
        ...MASS_ASSIGNMENT,
        email: 'pirate@exemple.fr',
      });
      expect(saved.statusCode).toBe(303);
      expectEscaped(await client.get('/'), `Bonjour ${other}`, 'home after the profile change');
      expectEscaped(await client.get('/compte'), other, '/compte after the profile change');
      expect((await client.get('/api/v1/me')).json().roles).toEqual(['member']);
      const [after] = await t.database.db
        .select()
        .from(schema.account)
        .where(eq(schema.account.id, stored!.id));
      expect(after?.email).toBe(email);

      // Password reset: the mail greets with the new name; the new password is markup too.
      expect((await new TestClient(t.app, t.host).post('/mot-de-passe-oublie', { email })).statusCode).toBe(
        303,
      );
      const resetMail = (await lastMailTo(t.database, email))!;
      expectEscaped(
        await client.get(`/dev/mails/${resetMail.id}`),
        `Bonjour ${other},`,
        'mailbox: reset mail',
      );
      const link = firstLink(resetMail.text)!;
      const resetter = new TestClient(t.app, t.host);
      expect((await resetter.get(pathOf(link))).statusCode).toBe(200);
      const newPassword = `${other} phrase`;
      const reset = await resetter.post('/mot-de-passe/nouveau', {
        token: new URL(link).searchParams.get('jeton')!,
        password: newPassword,
      });
      expect(reset.statusCode).toBe(303);
      await new TestClient(t.app, t.host).logIn(email, newPassword);
    }
  }, 60_000);

  it('shows a refused form again with every typed value escaped, and writes nothing', async () => {
    const member = await createMember(t);
    const signedIn = new TestClient(t.app, t.host);
    await signedIn.logIn(member.email, member.password);
    const before = await fingerprint(t.database);
    for (const payload of PAYLOADS) {
      const anonymous = new TestClient(t.app, t.host);
      const value = (v: string) => `value="${escapeHtml(v)}"`;
      const forms: Array<[TestClient, string, Record<string, string>, string[]]> = [
        [
          anonymous,
          '/inscription',
          { displayName: payload, email: payload, password: payload },
          ['displayName', 'email'],
        ],
        [anonymous, '/connexion', { email: payload, password: payload }, ['email']],
        [anonymous, '/mot-de-passe-oublie', { email: payload }, ['email']],
        [anonymous, '/mot-de-passe/nouveau', { token: payload, password: 'court' }, ['token']],
        [
          signedIn,
          '/compte',
          { displayName: payload, phone: payload, homeAreaId: payload },
          ['displayName', 'phone'],
        ],
      ];
      for (const [client, url, form, echoed] of forms) {
        const res = await client.post(url, form);
        sent++;
        expect(res.statusCode, url).toBe(422);
        expect(hasFrenchError(res.body), url).toBe(true);
        for (const field of echoed) expect(res.body, `${url} ${field}`).toContain(value(form[field]!));
        expect(res.body, url).not.toContain(payload);
        expect(injectedMarkup(res.body), url).toBeNull();
      }
    }
    expect(await fingerprint(t.database)).toEqual(before);
  });
});
