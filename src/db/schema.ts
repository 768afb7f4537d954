import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Geometry } from '../domain/geo.ts';

// Names follow docs/glossary.md: one code name per concept, in tables, types, routes and keys.
// Lifecycle states are timestamps (`archived_at`, `verified_at`), never booleans.

const id = () =>
  uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`);
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const territoryRef = () =>
  uuid('territory_id')
    .notNull()
    .references(() => territory.id, { onDelete: 'cascade' });

/** A deployment serves one or several territories, resolved from the host name. */
export const territory = pgTable('territory', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['departement', 'epci', 'commune'] }).notNull(),
  inseeCode: text('insee_code').notNull(),
  hosts: text('hosts')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  isDefault: boolean('is_default').notNull().default(false),
  helplinePhone: text('helpline_phone'),
  helplineHours: text('helpline_hours'),
  mapCenterLat: doublePrecision('map_center_lat').notNull(),
  mapCenterLon: doublePrecision('map_center_lon').notNull(),
  mapZoom: integer('map_zoom').notNull().default(9),
  bounds: jsonb('bounds').$type<[number, number, number, number]>(),
  tileUrl: text('tile_url').notNull().default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  tileAttribution: text('tile_attribution').notNull().default('© les contributeurs OpenStreetMap'),
  colorPrimary: text('color_primary').notNull().default('#1d4e89'),
  colorAccent: text('color_accent').notNull().default('#b34000'),
  locale: text('locale').notNull().default('fr'),
  outline: jsonb('outline').$type<Geometry>(),
  createdAt: createdAt(),
});

/** A commune or a quartier of a territory. */
export const area = pgTable(
  'area',
  {
    id: id(),
    territoryId: territoryRef(),
    kind: text('kind', { enum: ['commune', 'quartier'] }).notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    postalCodes: text('postal_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    population: integer('population'),
    parentId: uuid('parent_id'),
    outline: jsonb('outline').$type<Geometry>(),
    centroidLat: doublePrecision('centroid_lat').notNull(),
    centroidLon: doublePrecision('centroid_lon').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('area_territory_code_uq').on(t.territoryId, t.kind, t.code),
    index('area_name_trgm').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
  ],
);

export const DOMAINS = [
  'aide_alimentaire_urgence',
  'garde_enfants',
  'lien_personnes_fragiles',
  'solidarite_proximite',
  'autre',
] as const;
export type Domain = (typeof DOMAINS)[number];

/** A category of help, defined per territory and mapped to one of the State's domains. */
export const category = pgTable(
  'category',
  {
    id: id(),
    territoryId: territoryRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    guidance: text('guidance').notNull().default(''),
    domain: text('domain', { enum: DOMAINS }).notNull(),
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('category_territory_slug_uq').on(t.territoryId, t.slug)],
);

export const MESSAGE_NOTIFICATIONS = ['each', 'daily', 'none'] as const;
export type MessageNotifications = (typeof MESSAGE_NOTIFICATIONS)[number];

/** A person who can sign in. Accounts are deployment-wide; roles are per territory. */
export const account = pgTable(
  'account',
  {
    id: id(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    phone: text('phone'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    isDemo: boolean('is_demo').notNull().default(false),
    /** How new messages are announced by mail: each (throttled), a daily digest, or never. */
    messageNotifications: text('message_notifications', { enum: MESSAGE_NOTIFICATIONS })
      .notNull()
      .default('each'),
    /** When the last daily digest of unread messages was sent. */
    lastDigestAt: timestamp('last_digest_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('account_email_uq').on(sql`lower(${t.email})`)],
);

export const ROLES = ['member', 'moderator', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An account's place in a territory: its roles there and its home area. */
export const membership = pgTable(
  'membership',
  {
    id: id(),
    territoryId: territoryRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    roles: text('roles', { enum: ROLES })
      .array()
      .notNull()
      .default(sql`'{member}'::text[]`),
    homeAreaId: uuid('home_area_id').references(() => area.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('membership_territory_account_uq').on(t.territoryId, t.accountId)],
);

/**
 * A person helped through the call centre, who may have no account. Personal fields are
 * visible only to the staff who need them (policy in modules/cases, later).
 */
export const beneficiary = pgTable(
  'beneficiary',
  {
    id: id(),
    territoryId: territoryRef(),
    /** « Mme », « M. » or null: callers often give only « Mme Martin ». */
    civility: text('civility', { enum: ['mme', 'm'] }),
    firstName: text('first_name'),
    lastName: text('last_name'),
    /** Normalised digits (a landline is fine). */
    phone: text('phone'),
    address: text('address'),
    areaId: uuid('area_id').references(() => area.id, { onDelete: 'set null' }),
    /** The private point of the address (street-level geocoding), for routing distances only. */
    exactLat: doublePrecision('exact_lat'),
    exactLon: doublePrecision('exact_lon'),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('beneficiary_phone_idx').on(t.territoryId, t.phone),
    index('beneficiary_name_idx').on(t.territoryId, sql`immutable_unaccent(lower(${t.lastName}))`),
  ],
);

/** A server-side session; the cookie carries a random token, the table its SHA-256. */
export const session = pgTable(
  'session',
  {
    id: text('id').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    territoryId: territoryRef(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('session_account_idx').on(t.accountId)],
);

/** Single-use tokens sent by email (address verification, password reset). */
export const emailToken = pgTable('email_token', {
  id: id(),
  accountId: uuid('account_id')
    .notNull()
    .references(() => account.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ['verify_email', 'reset_password'] }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Failed sign-in attempts, counted per email and per IP to throttle guessing. */
export const loginAttempt = pgTable(
  'login_attempt',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_attempt_key_at_idx').on(t.key, t.at)],
);

/** Every staff action and every sensitive write leaves one row here. */
export const auditEvent = pgTable(
  'audit_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    territoryId: uuid('territory_id').references(() => territory.id, { onDelete: 'cascade' }),
    actorAccountId: uuid('actor_account_id').references(() => account.id, { onDelete: 'set null' }),
    onBehalfOfBeneficiaryId: uuid('on_behalf_of_beneficiary_id').references(() => beneficiary.id, {
      onDelete: 'set null',
    }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    requestId: text('request_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_event_territory_at_idx').on(t.territoryId, t.at)],
);

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe on notification mails. */
  headers?: Record<string, string>;
}

/** Messages written inside a transaction and delivered after it commits (by a job). */
export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    territoryId: uuid('territory_id').references(() => territory.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['mail'] }).notNull(),
    payload: jsonb('payload').$type<OutboxMail>().notNull(),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** A delivery run holds the row until then; a crashed run's rows are picked up after it. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.sentAt} is null`),
  ],
);

/** Mails kept instead of sent when no SMTP server is configured (never in production). */
export const devMail = pgTable('dev_mail', {
  id: id(),
  outboxId: uuid('outbox_id'),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  html: text('html').notNull(),
  createdAt: createdAt(),
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const POST_KINDS = ['offer', 'request'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const POST_STATUSES = ['open', 'fulfilled', 'withdrawn', 'expired', 'hidden'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A help post (« annonce »): an offer or a request. Lifecycle lives in timestamps; `status` is
 * derived from them by the service and stored only so the partial indexes can cover open posts.
 * `address`, `exact_lat` and `exact_lon` are private: public views use `public_lat/lon`.
 */
export const post = pgTable(
  'post',
  {
    id: id(),
    territoryId: territoryRef(),
    kind: text('kind', { enum: POST_KINDS }).notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => category.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    whenText: text('when_text').notNull().default(''),
    startsOn: date('starts_on'),
    endsOn: date('ends_on'),
    areaId: uuid('area_id')
      .notNull()
      .references(() => area.id),
    address: text('address'),
    exactLat: doublePrecision('exact_lat'),
    exactLon: doublePrecision('exact_lon'),
    placePrecision: text('place_precision', { enum: ['address', 'commune'] }).notNull(),
    publicLat: doublePrecision('public_lat').notNull(),
    publicLon: doublePrecision('public_lon').notNull(),
    authorAccountId: uuid('author_account_id').references(() => account.id, { onDelete: 'cascade' }),
    /** A structure posting as itself (structures arrive with the missions issue). */
    authorOrganizationId: uuid('author_organization_id'),
    onBehalfOfBeneficiaryId: uuid('on_behalf_of_beneficiary_id').references(() => beneficiary.id, {
      onDelete: 'cascade',
    }),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    showPhone: boolean('show_phone').notNull().default(false),
    showEmail: boolean('show_email').notNull().default(false),
    status: text('status', { enum: POST_STATUSES }).notNull().default('open'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
    expiryRemindedAt: timestamp('expiry_reminded_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('french_unaccent', title), 'A') || setweight(to_tsvector('french_unaccent', description), 'B')`,
    ),
  },
  (t) => [
    index('post_open_geo_idx')
      .using('gist', t.territoryId, t.categoryId, sql`geo_point(${t.publicLat}, ${t.publicLon})`)
      .where(sql`${t.status} = 'open'`),
    index('post_open_published_idx')
      .on(t.territoryId, t.publishedAt.desc(), t.id.desc())
      .where(sql`${t.status} = 'open'`),
    index('post_open_area_idx')
      .on(t.territoryId, t.areaId)
      .where(sql`${t.status} = 'open'`),
    index('post_search_idx').using('gin', t.search),
    index('post_title_trgm_idx').using('gin', sql`immutable_unaccent(lower(${t.title})) gin_trgm_ops`),
    index('post_author_idx').on(t.authorAccountId),
    index('post_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'open'`),
  ],
);

export const REPORT_REASONS = ['scam', 'inappropriate', 'dangerous', 'personal_data', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** A report (« signalement ») on any content; the moderation queue reads these. */
export const report = pgTable(
  'report',
  {
    id: id(),
    territoryId: territoryRef(),
    subjectType: text('subject_type', { enum: ['post', 'message', 'conversation', 'account'] }).notNull(),
    /** A uuid, or a message's number (messages are numbered). */
    subjectId: text('subject_id').notNull(),
    reporterAccountId: uuid('reporter_account_id').references(() => account.id, { onDelete: 'set null' }),
    reason: text('reason', { enum: REPORT_REASONS }).notNull(),
    details: text('details').notNull().default(''),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('report_once_per_reporter_uq').on(t.subjectType, t.subjectId, t.reporterAccountId),
    index('report_open_idx')
      .on(t.territoryId, t.createdAt)
      .where(sql`${t.resolvedAt} is null`),
  ],
);

/** What a conversation is about: a post today; missions, applications and call-centre cases later. */
export const CONVERSATION_SUBJECTS = ['post', 'mission', 'application', 'case'] as const;
export type ConversationSubject = (typeof CONVERSATION_SUBJECTS)[number];

/**
 * A conversation between members about a subject of any kind. One per subject and opener (the
 * person who answered); its participants are in `conversation_participant`.
 */
export const conversation = pgTable(
  'conversation',
  {
    id: id(),
    territoryId: territoryRef(),
    subjectType: text('subject_type', { enum: CONVERSATION_SUBJECTS }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    openedByAccountId: uuid('opened_by_account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    /** The subject's author said this conversation brought the help (« aide apportée »). */
    helpedAt: timestamp('helped_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('conversation_subject_opener_uq').on(t.subjectType, t.subjectId, t.openedByAccountId),
    index('conversation_subject_idx').on(t.territoryId, t.subjectType, t.subjectId),
    // The notification sweep looks at conversations with recent messages only.
    index('conversation_last_message_idx').on(t.lastMessageAt),
  ],
);

/**
 * A member's place in a conversation: what they have read, what they chose to share (current
 * state; each change is also a `message` of kind share_* / unshare_* and an audit row).
 */
export const conversationParticipant = pgTable(
  'conversation_participant',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversation.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }).notNull().defaultNow(),
    phoneSharedAt: timestamp('phone_shared_at', { withTimezone: true }),
    emailSharedAt: timestamp('email_shared_at', { withTimezone: true }),
    lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.accountId] }),
    index('conversation_participant_account_idx').on(t.accountId),
  ],
);

export const MESSAGE_KINDS = [
  'text',
  'share_phone',
  'share_email',
  'unshare_phone',
  'unshare_email',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * One message of a conversation, or a recorded event in it (a share of contact details).
 * `flags` are the scam signals found in it; the recipient is warned and moderators see a report.
 */
export const message = pgTable(
  'message',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversation.id, { onDelete: 'cascade' }),
    senderAccountId: uuid('sender_account_id').references(() => account.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull().default('text'),
    body: text('body').notNull().default(''),
    flags: text('flags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
  },
  (t) => [index('message_conversation_idx').on(t.conversationId, t.id)],
);

/** A member blocked by another: no more messages either way, in any conversation. */
export const accountBlock = pgTable(
  'account_block',
  {
    blockerAccountId: uuid('blocker_account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    blockedAccountId: uuid('blocked_account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerAccountId, t.blockedAccountId] }),
    index('account_block_blocked_idx').on(t.blockedAccountId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Structures, projects, missions, volunteers and applications (issue 5). See docs/glossary.md.

export const ORGANIZATION_KINDS = ['association', 'ccas', 'commune', 'sante', 'entreprise', 'autre'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/**
 * A structure (« structure »): association, CCAS, commune, health or medico-social establishment,
 * company. Created by a member, public once a territory admin validated it. `address`,
 * `exact_lat/lon` are private unless `show_address` (a public building the structure chose to show).
 */
export const organization = pgTable(
  'organization',
  {
    id: id(),
    territoryId: territoryRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ORGANIZATION_KINDS }).notNull(),
    siren: text('siren'),
    rna: text('rna'),
    description: text('description').notNull(),
    domains: text('domains', { enum: DOMAINS })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    categoryIds: uuid('category_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** The communes the structure acts in (its own commune is `area_id`). */
    areaIds: uuid('area_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    website: text('website'),
    areaId: uuid('area_id')
      .notNull()
      .references(() => area.id),
    address: text('address'),
    exactLat: doublePrecision('exact_lat'),
    exactLon: doublePrecision('exact_lon'),
    publicLat: doublePrecision('public_lat').notNull(),
    publicLon: doublePrecision('public_lon').notNull(),
    showAddress: boolean('show_address').notNull().default(false),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    validatedAt: timestamp('validated_at', { withTimezone: true }),
    validatedByAccountId: uuid('validated_by_account_id').references(() => account.id, {
      onDelete: 'set null',
    }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    rejectionReason: text('rejection_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organization_territory_slug_uq').on(t.territoryId, t.slug),
    index('organization_validated_idx')
      .on(t.territoryId, t.name)
      .where(sql`${t.validatedAt} is not null`),
    index('organization_pending_idx')
      .on(t.territoryId, t.createdAt)
      .where(sql`${t.validatedAt} is null and ${t.rejectedAt} is null`),
  ],
);

export const ORGANIZATION_ROLES = ['owner', 'manager'] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

/** A member of a structure's team: its owner(s) and managers. */
export const organizationMember = pgTable(
  'organization_member',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ORGANIZATION_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.accountId] }),
    index('organization_member_account_idx').on(t.accountId),
  ],
);

/** An invitation by email to join a structure's team; the mail carries a single-use link. */
export const organizationInvitation = pgTable(
  'organization_invitation',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ORGANIZATION_ROLES }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedByAccountId: uuid('invited_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedByAccountId: uuid('accepted_by_account_id').references(() => account.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
  },
  (t) => [index('organization_invitation_org_idx').on(t.organizationId)],
);

/** A project or initiative a structure shows on its page (« projets et initiatives »). */
export const project = pgTable(
  'project',
  {
    id: id(),
    territoryId: territoryRef(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull(),
    startsOn: date('starts_on'),
    endsOn: date('ends_on'),
    areaId: uuid('area_id').references(() => area.id, { onDelete: 'set null' }),
    link: text('link'),
    createdAt: createdAt(),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  },
  (t) => [
    index('project_territory_idx').on(t.territoryId, t.createdAt),
    index('project_org_idx').on(t.organizationId),
  ],
);

/** A skill of the territory's list; `health` ones are professions that a structure or an operator verifies. */
export const skill = pgTable(
  'skill',
  {
    id: id(),
    territoryId: territoryRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    health: boolean('health').notNull().default(false),
    position: integer('position').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('skill_territory_slug_uq').on(t.territoryId, t.slug)],
);

export const MISSION_STATUSES = ['draft', 'open', 'full', 'closed', 'cancelled'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];
export const MISSION_SCHEDULES = ['date', 'slots', 'recurring'] as const;
export type MissionSchedule = (typeof MISSION_SCHEDULES)[number];

/**
 * A mission: a structure's need for volunteers. Its places are in `mission_slot` (one slot for a
 * single date or a recurrence, several for several slots). `status` is derived from the lifecycle
 * timestamps by the service and stored for the partial indexes, as for posts.
 */
export const mission = pgTable(
  'mission',
  {
    id: id(),
    territoryId: territoryRef(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => category.id),
    domain: text('domain', { enum: DOMAINS }).notNull(),
    schedule: text('schedule', { enum: MISSION_SCHEDULES }).notNull(),
    /** For a recurrence: in words (« chaque mardi de 14 h à 17 h »). */
    recurrenceText: text('recurrence_text').notNull().default(''),
    recurrenceDays: integer('recurrence_days')
      .array()
      .notNull()
      .default(sql`'{}'::int[]`),
    /** First and last day of the mission (slots' days, or the recurrence's period); null: no end. */
    startsOn: date('starts_on'),
    endsOn: date('ends_on'),
    volunteersNeeded: integer('volunteers_needed').notNull(),
    requiredSkillIds: uuid('required_skill_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    minAge: integer('min_age'),
    reducedMobility: boolean('reduced_mobility').notNull().default(false),
    remotePossible: boolean('remote_possible').notNull().default(false),
    openToMinors: boolean('open_to_minors').notNull().default(false),
    /** Entirely remote: no place. */
    remoteOnly: boolean('remote_only').notNull().default(false),
    areaId: uuid('area_id')
      .notNull()
      .references(() => area.id),
    address: text('address'),
    exactLat: doublePrecision('exact_lat'),
    exactLon: doublePrecision('exact_lon'),
    publicLat: doublePrecision('public_lat').notNull(),
    publicLon: doublePrecision('public_lon').notNull(),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    status: text('status', { enum: MISSION_STATUSES }).notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    fullAt: timestamp('full_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('mission_listed_geo_idx')
      .using('gist', t.territoryId, t.domain, sql`geo_point(${t.publicLat}, ${t.publicLon})`)
      .where(sql`${t.status} in ('open', 'full')`),
    index('mission_listed_published_idx')
      .on(t.territoryId, t.publishedAt.desc(), t.id.desc())
      .where(sql`${t.status} in ('open', 'full')`),
    index('mission_org_idx').on(t.organizationId, t.createdAt),
  ],
);

/**
 * The places of a mission: one slot (a date, or the recurrence) or several. `taken` counts the
 * applications holding a place (pending or accepted); it only moves by a conditional UPDATE
 * (`taken < capacity`), so capacity is never exceeded even when many apply at once.
 */
export const missionSlot = pgTable(
  'mission_slot',
  {
    id: id(),
    missionId: uuid('mission_id')
      .notNull()
      .references(() => mission.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    capacity: integer('capacity').notNull(),
    taken: integer('taken').notNull().default(0),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('mission_slot_mission_idx').on(t.missionId, t.position)],
);

export const DECLINE_REASONS = ['profile', 'skills', 'availability', 'full', 'cancelled', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
export const APPLICATION_STATUSES = ['pending', 'waitlisted', 'accepted', 'declined', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * A volunteer's application (« candidature ») to a slot of a mission. Its state is its timestamps:
 * `waitlisted_at` (no place was left; cleared when a place frees up), `accepted_at`,
 * `declined_at` with a coded reason, `withdrawn_at`.
 */
export const application = pgTable(
  'application',
  {
    id: id(),
    territoryId: territoryRef(),
    missionId: uuid('mission_id')
      .notNull()
      .references(() => mission.id, { onDelete: 'cascade' }),
    slotId: uuid('slot_id')
      .notNull()
      .references(() => missionSlot.id, { onDelete: 'cascade' }),
    volunteerAccountId: uuid('volunteer_account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    message: text('message').notNull().default(''),
    createdAt: createdAt(),
    waitlistedAt: timestamp('waitlisted_at', { withTimezone: true }),
    promotedAt: timestamp('promoted_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    declineReason: text('decline_reason', { enum: DECLINE_REASONS }),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    decidedByAccountId: uuid('decided_by_account_id').references(() => account.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One live application per volunteer and slot (a withdrawn or declined one may be renewed).
    uniqueIndex('application_live_uq')
      .on(t.slotId, t.volunteerAccountId)
      .where(sql`${t.withdrawnAt} is null and ${t.declinedAt} is null`),
    index('application_mission_idx').on(t.missionId, t.createdAt),
    index('application_volunteer_idx').on(t.volunteerAccountId, t.createdAt),
    index('application_waitlist_idx')
      .on(t.slotId, t.waitlistedAt)
      .where(sql`${t.waitlistedAt} is not null and ${t.withdrawnAt} is null and ${t.declinedAt} is null`),
  ],
);

export const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;
export const DAY_PARTS = ['matin', 'apres_midi', 'soir'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type DayPart = (typeof DAY_PARTS)[number];

/**
 * A member's volunteer profile in a territory: when and where they can help, and what interests
 * them. Alerts (a later issue) read it: the point and radius, the areas, domains and skills.
 */
export const volunteerProfile = pgTable(
  'volunteer_profile',
  {
    territoryId: territoryRef(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    days: text('days', { enum: WEEKDAYS })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    dayParts: text('day_parts', { enum: DAY_PARTS })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    areaIds: uuid('area_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** Around this commune's centre, within `radius_km` (the alerts' « near me »). */
    baseAreaId: uuid('base_area_id').references(() => area.id, { onDelete: 'set null' }),
    radiusKm: integer('radius_km'),
    domains: text('domains', { enum: DOMAINS })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    remoteOk: boolean('remote_ok').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.territoryId, t.accountId] }),
    // The call centre's suggestions: the volunteers of a commune whose radius reaches a point.
    index('volunteer_profile_base_radius_idx').on(t.territoryId, t.baseAreaId, t.radiusKm),
  ],
);

/** A skill a volunteer declared; a health one is « à vérifier » until `verified_at` (who and when). */
export const volunteerSkill = pgTable(
  'volunteer_skill',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    skillId: uuid('skill_id')
      .notNull()
      .references(() => skill.id, { onDelete: 'cascade' }),
    declaredAt: timestamp('declared_at', { withTimezone: true }).notNull().defaultNow(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedByAccountId: uuid('verified_by_account_id').references(() => account.id, {
      onDelete: 'set null',
    }),
    /** The structure on whose behalf it was verified; null when an operator did. */
    verifiedByOrganizationId: uuid('verified_by_organization_id').references(() => organization.id, {
      onDelete: 'set null',
    }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.skillId] })],
);

// ---------------------------------------------------------------------------------------------
// The call centre (« numéro unique », issue 6): cases, their timeline and routing. See
// docs/glossary.md and docs/decisions/011-cases.md.

export const CASE_CHANNELS = ['phone', 'online'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];
export const CASE_URGENCIES = ['today', 'week', 'flexible'] as const;
export type CaseUrgency = (typeof CASE_URGENCIES)[number];
export const CALLER_KINDS = ['self', 'relative', 'professional', 'other'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];
export const CASE_STATUSES = [
  'new',
  'qualified',
  'routed',
  'accepted',
  'in_progress',
  'done',
  'cancelled',
  'unreachable',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_OUTCOMES = ['helped', 'solved_otherwise', 'no_longer_needed', 'no_solution'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/**
 * A request taken by the call centre or the online form (« dossier »). SQL calls the table
 * `help_case` (CASE is a keyword). Its state is its timestamps; `status` is derived from them by
 * `caseStatus()` and stored for the queue's partial index. The consents are timestamps too.
 */
export const helpCase = pgTable(
  'help_case',
  {
    id: id(),
    territoryId: territoryRef(),
    /** The number said on the phone (« dossier 42 »). */
    number: bigserial('number', { mode: 'number' }).notNull(),
    beneficiaryId: uuid('beneficiary_id')
      .notNull()
      .references(() => beneficiary.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: CASE_CHANNELS }).notNull(),
    callerKind: text('caller_kind', { enum: CALLER_KINDS }).notNull(),
    callerName: text('caller_name'),
    callerPhone: text('caller_phone'),
    callerEmail: text('caller_email'),
    callerRelationship: text('caller_relationship'),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => category.id),
    need: text('need').notNull(),
    urgency: text('urgency', { enum: CASE_URGENCIES }).notNull(),
    mobilityLimited: boolean('mobility_limited').notNull().default(false),
    language: text('language'),
    hours: text('hours'),
    /** A skill the help needs (« compétence utile »): volunteers who have it come first. */
    skillId: uuid('skill_id').references(() => skill.id, { onDelete: 'set null' }),
    areaId: uuid('area_id')
      .notNull()
      .references(() => area.id),
    consentKeepAt: timestamp('consent_keep_at', { withTimezone: true }),
    consentShareAt: timestamp('consent_share_at', { withTimezone: true }),
    /** The operator following the case (who took the call, or who picked it from the queue). */
    operatorAccountId: uuid('operator_account_id').references(() => account.id, { onDelete: 'set null' }),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    status: text('status', { enum: CASE_STATUSES }).notNull().default('new'),
    createdAt: createdAt(),
    qualifiedAt: timestamp('qualified_at', { withTimezone: true }),
    routedAt: timestamp('routed_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    /** Went back to the queue because nobody accepted it in time (flag shown until routed again). */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    /** « Rappeler le … »: the next call-back and what it is about. */
    callbackAt: timestamp('callback_at', { withTimezone: true }),
    callbackNote: text('callback_note'),
    outcome: text('outcome', { enum: CASE_OUTCOMES }),
    outcomeNote: text('outcome_note'),
    helpedBy: text('helped_by'),
    /** The anonymised request post published for the beneficiary, if any. */
    postId: uuid('post_id').references(() => post.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('help_case_number_uq').on(t.number),
    index('help_case_queue_idx')
      .on(t.territoryId, t.createdAt)
      .where(sql`${t.status} not in ('done', 'cancelled', 'unreachable')`),
    index('help_case_beneficiary_idx').on(t.beneficiaryId),
    index('help_case_callback_idx')
      .on(t.territoryId, t.callbackAt)
      .where(sql`${t.callbackAt} is not null`),
  ],
);

export const CASE_EVENT_KINDS = ['note', 'call', 'status', 'routing', 'callback'] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];
export const CALL_RESULTS = ['reached', 'voicemail', 'no_answer'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

/** The timeline of a case: notes, calls (reached, voicemail, no answer), status and routing changes. */
export const caseEvent = pgTable(
  'case_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => helpCase.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CASE_EVENT_KINDS }).notNull(),
    callResult: text('call_result', { enum: CALL_RESULTS }),
    /** For status and routing events: what happened (`status.done`, `routing.accepted`…). */
    code: text('code'),
    body: text('body').notNull().default(''),
    authorAccountId: uuid('author_account_id').references(() => account.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_event_case_idx').on(t.caseId, t.id)],
);

export const ASSIGNEE_KINDS = ['organization', 'volunteer'] as const;
export type AssigneeKind = (typeof ASSIGNEE_KINDS)[number];

/**
 * A case offered to a structure or a volunteer (« orienter », « confier »). Its state is its
 * timestamps: offered, then accepted or declined, or expired (escalation) or withdrawn by an
 * operator. Time to accept is `accepted_at - offered_at`.
 */
export const caseAssignment = pgTable(
  'case_assignment',
  {
    id: id(),
    territoryId: territoryRef(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => helpCase.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ASSIGNEE_KINDS }).notNull(),
    organizationId: uuid('organization_id').references(() => organization.id, { onDelete: 'cascade' }),
    volunteerAccountId: uuid('volunteer_account_id').references(() => account.id, { onDelete: 'cascade' }),
    offeredByAccountId: uuid('offered_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    declinedAt: timestamp('declined_at', { withTimezone: true }),
    declineReason: text('decline_reason'),
    expiredAt: timestamp('expired_at', { withTimezone: true }),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    decidedByAccountId: uuid('decided_by_account_id').references(() => account.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('case_assignment_case_idx').on(t.caseId, t.offeredAt),
    // « Least recently solicited »: the recent offers of a territory, grouped per volunteer.
    index('case_assignment_territory_idx').on(t.territoryId, t.offeredAt),
    index('case_assignment_org_idx').on(t.organizationId, t.offeredAt),
    index('case_assignment_volunteer_idx').on(t.volunteerAccountId, t.offeredAt),
    index('case_assignment_pending_idx')
      .on(t.offeredAt)
      .where(
        sql`${t.acceptedAt} is null and ${t.declinedAt} is null and ${t.expiredAt} is null and ${t.withdrawnAt} is null`,
      ),
  ],
);

/** A structure's key for the cases API (`Authorization: Bearer …`); the table keeps its SHA-256. */
export const organizationApiToken = pgTable(
  'organization_api_token',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters, to recognise a key in the list without keeping it. */
    prefix: text('prefix').notNull(),
    createdByAccountId: uuid('created_by_account_id').references(() => account.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('organization_api_token_org_idx').on(t.organizationId)],
);
