import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import {
  account,
  area,
  beneficiary,
  caseAssignment,
  caseEvent,
  category,
  helpCase,
  organization,
  organizationMember,
  skill,
  volunteerProfile,
  volunteerSkill,
  type CaseStatus,
  type CaseUrgency,
} from '../schema.ts';

/** The fictitious people of the call-centre demo (numbers in the 04 66 00 0x xx fictitious range). */
const DEMO_CASES: ReadonlyArray<{
  civility: 'mme' | 'm';
  firstName: string;
  lastName: string;
  phone: string;
  commune: string;
  category: string;
  need: string;
  urgency: CaseUrgency;
  status: CaseStatus;
  channel: 'phone' | 'online';
  hoursAgo: number;
  escalated?: boolean;
  routed?: boolean;
  callbackInHours?: number;
}> = [
  {
    civility: 'mme',
    firstName: 'Germaine',
    lastName: 'Fabre',
    phone: '0466000101',
    commune: '48095',
    category: 'courses',
    need: 'Courses de la semaine : pain, lait, fruits et ses médicaments à la pharmacie.',
    urgency: 'today',
    status: 'qualified',
    channel: 'phone',
    hoursAgo: 2,
  },
  {
    civility: 'm',
    firstName: 'René',
    lastName: 'Boyer',
    phone: '0466000102',
    commune: '48092',
    category: 'courses',
    need: 'Ne peut plus porter ses courses depuis sa chute. Habite au 2e étage sans ascenseur.',
    urgency: 'today',
    status: 'qualified',
    channel: 'phone',
    hoursAgo: 6,
    escalated: true,
  },
  {
    civility: 'mme',
    firstName: 'Yvette',
    lastName: 'Pagès',
    phone: '0466000103',
    commune: '48095',
    category: 'courses',
    need: 'Aimerait qu’on l’appelle une fois par semaine, elle se sent seule depuis le décès de son mari.',
    urgency: 'week',
    status: 'routed',
    channel: 'phone',
    hoursAgo: 20,
    routed: true,
  },
  {
    civility: 'm',
    firstName: 'Albert',
    lastName: 'Rouvière',
    phone: '0466000104',
    commune: '48140',
    category: 'courses',
    need: 'Sa fille écrit : il a besoin d’un transport pour sa prise de sang jeudi matin.',
    urgency: 'week',
    status: 'new',
    channel: 'online',
    hoursAgo: 1,
  },
  {
    civility: 'mme',
    firstName: 'Lucienne',
    lastName: 'Vidal',
    phone: '0466000105',
    commune: '48092',
    category: 'courses',
    need: 'Voisine partie en vacances : cherche quelqu’un pour relever le courrier et arroser.',
    urgency: 'flexible',
    status: 'qualified',
    channel: 'phone',
    hoursAgo: 30,
    callbackInHours: 1,
  },
];

/**
 * The call-centre demo: a fictitious structure (managed by Paul) and Jeanne's volunteer profile,
 * so suggestions show someone, and five cases in the queue at different steps — one back in the
 * queue after nobody answered, one online request, one call-back due today.
 */
export async function seedDemoCases(
  db: Executor,
  territoryId: string,
  emails: { operator: string; jeanne: string; paul: string },
  now = new Date(),
): Promise<number> {
  const people = await db
    .select({ id: account.id, email: account.email })
    .from(account)
    .where(inArray(account.email, [emails.operator, emails.jeanne, emails.paul]));
  const idOf = (email: string) => people.find((p) => p.email === email)?.id;
  const operatorId = idOf(emails.operator);
  if (!operatorId) return 0;
  const areas = await db.select().from(area).where(eq(area.territoryId, territoryId));
  const areaByCode = new Map(areas.map((a) => [a.code, a]));
  const cats = await db.select().from(category).where(eq(category.territoryId, territoryId));
  const bySlug = new Map(cats.map((c) => [c.slug, c]));
  const mende = areaByCode.get('48095');
  const courses = bySlug.get('courses') ?? cats[0];
  if (!mende || !courses) return 0;

  const [org] = await db
    .insert(organization)
    .values({
      territoryId,
      slug: 'voisins-solidaires-mende-demo',
      name: 'Voisins solidaires de Mende (fictif)',
      kind: 'association',
      description: 'Association fictive de la démonstration : courses et visites aux personnes isolées.',
      domains: [courses.domain],
      categoryIds: [courses.id],
      areaIds: [mende.id, ...(areaByCode.get('48092') ? [areaByCode.get('48092')!.id] : [])],
      areaId: mende.id,
      publicLat: mende.centroidLat,
      publicLon: mende.centroidLon,
      validatedAt: now,
    })
    .returning();
  const paul = idOf(emails.paul);
  if (paul)
    await db.insert(organizationMember).values({ organizationId: org!.id, accountId: paul, role: 'owner' });
  const jeanne = idOf(emails.jeanne);
  if (jeanne)
    await db
      .insert(volunteerProfile)
      .values({
        territoryId,
        accountId: jeanne,
        areaIds: [mende.id],
        baseAreaId: mende.id,
        radiusKm: 15,
        domains: [courses.domain, 'lien_personnes_fragiles'],
      })
      .onConflictDoNothing();
  // Jeanne drives, and says she is a care assistant: « à vérifier » on the operators' list.
  const skills = await db
    .select({ id: skill.id })
    .from(skill)
    .where(and(eq(skill.territoryId, territoryId), inArray(skill.slug, ['aide-soignant', 'permis-b'])));
  if (jeanne && skills.length > 0)
    await db
      .insert(volunteerSkill)
      .values(skills.map((k) => ({ accountId: jeanne, skillId: k.id })))
      .onConflictDoNothing();

  let n = 0;
  for (const c of DEMO_CASES) {
    const place = areaByCode.get(c.commune) ?? mende;
    const created = new Date(now.getTime() - c.hoursAgo * 3_600_000);
    const [person] = await db
      .insert(beneficiary)
      .values({
        territoryId,
        civility: c.civility,
        firstName: c.firstName,
        lastName: c.lastName,
        phone: c.phone,
        areaId: place.id,
        createdByAccountId: c.channel === 'phone' ? operatorId : null,
        createdAt: created,
      })
      .returning();
    const qualified = c.status === 'new' ? null : created;
    const [row] = await db
      .insert(helpCase)
      .values({
        territoryId,
        beneficiaryId: person!.id,
        channel: c.channel,
        callerKind: c.channel === 'online' ? 'relative' : 'self',
        categoryId: (bySlug.get(c.category) ?? courses).id,
        need: c.need,
        urgency: c.urgency,
        areaId: place.id,
        consentKeepAt: created,
        consentShareAt: created,
        operatorAccountId: c.channel === 'phone' ? operatorId : null,
        createdByAccountId: c.channel === 'phone' ? operatorId : null,
        status: c.status,
        createdAt: created,
        qualifiedAt: qualified,
        routedAt: c.routed ? new Date(created.getTime() + 600_000) : null,
        escalatedAt: c.escalated ? new Date(now.getTime() - 3_600_000) : null,
        callbackAt: c.callbackInHours ? new Date(now.getTime() + c.callbackInHours * 3_600_000) : null,
        callbackNote: c.callbackInHours ? 'Confirmer l’adresse de la voisine' : null,
      })
      .returning();
    await db.insert(caseEvent).values({
      caseId: row!.id,
      kind: 'status',
      code: c.channel === 'online' ? 'created_online' : 'created_phone',
      authorAccountId: c.channel === 'phone' ? operatorId : null,
      createdAt: created,
    });
    if (c.routed || c.escalated)
      await db.insert(caseAssignment).values({
        territoryId,
        caseId: row!.id,
        kind: 'organization',
        organizationId: org!.id,
        offeredByAccountId: operatorId,
        offeredAt: new Date(created.getTime() + 600_000),
        expiredAt: c.escalated ? new Date(now.getTime() - 3_600_000) : null,
      });
    if (c.escalated)
      await db
        .insert(caseEvent)
        .values({ caseId: row!.id, kind: 'routing', code: 'escalated', authorAccountId: null });
    n++;
  }
  return n;
}
