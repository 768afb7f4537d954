import { and, eq, inArray } from 'drizzle-orm';
import type { Domain, MissionSchedule, OrganizationKind } from '../schema.ts';
import { account, area, category, skill } from '../schema.ts';
import { publicPoint } from '../../domain/place-privacy.ts';
import * as missionsRepo from '../../modules/missions/repository.ts';
import * as orgRepo from '../../modules/organizations/repository.ts';
import type { Executor } from '../client.ts';

interface DemoStructure {
  slug: string;
  name: string;
  kind: OrganizationKind;
  rna?: string;
  siren?: string;
  commune: string;
  covers: string[];
  domains: Domain[];
  categories: string[];
  description: string;
  address?: string;
  showAddress?: boolean;
  phone?: string;
  email?: string;
  projects: Array<{ title: string; description: string; startsOn?: string }>;
  missions: Array<{
    title: string;
    description: string;
    category: string;
    schedule: MissionSchedule;
    /** Days from today, hour, duration in hours, places. */
    slots?: Array<[number, number, number, number]>;
    recurrence?: string;
    places?: number;
    skills?: string[];
    remote?: boolean;
    minors?: boolean;
    mobility?: boolean;
  }>;
}

// Fictitious structures of the Lozère demo (names, numbers and addresses are made up).
const STRUCTURES: DemoStructure[] = [
  {
    slug: 'entraide-mendoise',
    name: 'Entraide mendoise',
    kind: 'association',
    rna: 'W481000123',
    commune: '48095',
    covers: ['48092', '48061'],
    domains: ['aide_alimentaire_urgence', 'lien_personnes_fragiles'],
    categories: ['courses', 'portage-de-repas'],
    description:
      'Association de bénévoles qui porte les courses et les repas aux personnes âgées ou isolées de Mende et des environs.\nNous cherchons surtout des bénévoles avec une voiture.',
    email: 'contact@entraide-mendoise.example',
    projects: [
      {
        title: 'Un repas chaud chaque midi',
        description: 'Portage de repas à domicile pour 40 personnes âgées, avec le CCAS.',
      },
      {
        title: 'Le café des voisins',
        description: 'Un après-midi par mois pour rompre l’isolement, salle paroissiale.',
      },
    ],
    missions: [
      {
        title: 'Portage de courses le samedi matin',
        description:
          'Récupérer les commandes au supermarché et les livrer chez cinq personnes âgées du centre-ville.',
        category: 'courses',
        schedule: 'slots',
        slots: [
          [5, 9, 3, 2],
          [12, 9, 3, 2],
          [19, 9, 3, 2],
        ],
        skills: ['permis-b'],
      },
      {
        title: 'Appels de convivialité',
        description:
          'Appeler chaque semaine deux ou trois personnes seules pour prendre des nouvelles. Depuis chez vous.',
        category: 'appel-convivialite',
        schedule: 'recurring',
        recurrence: 'Chaque mardi, l’après-midi',
        places: 6,
        remote: true,
        minors: true,
      },
    ],
  },
  {
    slug: 'ccas-de-marvejols',
    name: 'CCAS de Marvejols',
    kind: 'ccas',
    siren: '214800929',
    commune: '48092',
    covers: [],
    domains: ['aide_alimentaire_urgence', 'solidarite_proximite'],
    categories: ['courses'],
    description:
      'Le centre communal d’action sociale organise l’aide alimentaire et les visites aux personnes fragiles.',
    address: 'Place Henri IV, Marvejols',
    showAddress: true,
    phone: '0466000010',
    projects: [
      {
        title: 'Épicerie sociale',
        description: 'Ouverte le mercredi et le vendredi pour les familles orientées par le CCAS.',
      },
    ],
    missions: [
      {
        title: 'Distribution de colis alimentaires',
        description: 'Préparer les colis et les remettre aux familles à la salle des fêtes.',
        category: 'courses',
        schedule: 'date',
        slots: [[9, 14, 3, 4]],
        mobility: true,
      },
    ],
  },
  {
    slug: 'ehpad-les-tilleuls',
    name: 'EHPAD Les Tilleuls',
    kind: 'sante',
    commune: '48080',
    covers: [],
    domains: ['lien_personnes_fragiles'],
    categories: [],
    description: 'Établissement d’hébergement pour personnes âgées dépendantes, 60 résidents.',
    projects: [],
    missions: [
      {
        title: 'Renfort soignant les week-ends',
        description:
          'Renfort de l’équipe soignante pendant l’épidémie : aide aux repas et aux soins, encadré par l’infirmière.',
        category: 'appel-convivialite',
        schedule: 'slots',
        slots: [
          [6, 8, 6, 1],
          [7, 8, 6, 1],
        ],
        skills: ['aide-soignant', 'infirmier', 'etudiant-sante'],
      },
    ],
  },
  {
    slug: 'commune-de-florac',
    name: 'Commune de Florac-Trois-Rivières',
    kind: 'commune',
    commune: '48061',
    covers: [],
    domains: ['solidarite_proximite', 'garde_enfants'],
    categories: [],
    description: 'La mairie coordonne les bénévoles de la commune et la garde des enfants des soignants.',
    address: 'Mairie, place de la Mairie, Florac',
    showAddress: true,
    projects: [
      {
        title: 'Voisins solidaires',
        description: 'Un référent par quartier pour repérer les personnes isolées.',
      },
    ],
    missions: [
      {
        title: 'Garde d’enfants de soignants',
        description:
          'Accueillir les enfants des soignants de l’hôpital à l’école, avec un animateur de la commune.',
        category: 'garde-enfants-soignants',
        schedule: 'recurring',
        recurrence: 'Du lundi au vendredi, de 7 h 30 à 18 h',
        places: 3,
      },
    ],
  },
];

/** The demo's structures (validated), their projects and missions, owned by one demo account. */
export async function seedDemoOrganizations(
  db: Executor,
  territoryId: string,
  ownerEmail: string,
): Promise<number> {
  const [owner] = await db.select({ id: account.id }).from(account).where(eq(account.email, ownerEmail));
  if (!owner) return 0;
  const codes = [...new Set(STRUCTURES.flatMap((s) => [s.commune, ...s.covers]))];
  const areas = await db
    .select()
    .from(area)
    .where(and(eq(area.territoryId, territoryId), inArray(area.code, codes)));
  const cats = await db.select().from(category).where(eq(category.territoryId, territoryId));
  const skills = await db.select().from(skill).where(eq(skill.territoryId, territoryId));
  const areaOf = (code: string) => areas.find((a) => a.code === code);
  const now = Date.now();
  for (const s of STRUCTURES) {
    const home = areaOf(s.commune);
    if (!home) continue;
    const point = publicPoint(null, home, 'commune');
    const org = await orgRepo.insertOrganization(db, {
      territoryId,
      slug: s.slug,
      name: s.name,
      kind: s.kind,
      rna: s.rna ?? null,
      siren: s.siren ?? null,
      description: s.description,
      domains: s.domains,
      categoryIds: cats.filter((c) => s.categories.includes(c.slug)).map((c) => c.id),
      areaIds: s.covers.map((c) => areaOf(c)?.id).filter((x): x is string => !!x),
      contactEmail: s.email ?? null,
      contactPhone: s.phone ?? null,
      areaId: home.id,
      address: s.address ?? null,
      showAddress: !!s.showAddress,
      publicLat: point.lat,
      publicLon: point.lon,
      createdByAccountId: owner.id,
      validatedAt: new Date(now - 20 * 86_400_000),
    });
    await orgRepo.insertMember(db, { organizationId: org.id, accountId: owner.id, role: 'owner' });
    for (const p of s.projects)
      await orgRepo.insertProject(db, {
        territoryId,
        organizationId: org.id,
        title: p.title,
        description: p.description,
        areaId: home.id,
      });
    for (const m of s.missions) {
      const cat = cats.find((c) => c.slug === m.category) ?? cats[0]!;
      const slots =
        m.schedule === 'recurring'
          ? [{ startsAt: null, endsAt: null, capacity: m.places ?? 1 }]
          : (m.slots ?? []).map(([day, hour, hours, places]) => {
              const start = new Date(now + day * 86_400_000);
              start.setUTCHours(hour - 1, 0, 0, 0);
              return {
                startsAt: start,
                endsAt: new Date(start.getTime() + hours * 3_600_000),
                capacity: places,
              };
            });
      const days = slots.map((x) => x.startsAt).filter((d): d is Date => !!d);
      const iso = (d: Date) => d.toISOString().slice(0, 10);
      const mission = await missionsRepo.insertMission(db, {
        territoryId,
        organizationId: org.id,
        title: m.title,
        description: m.description,
        categoryId: cat.id,
        domain: cat.domain,
        schedule: m.schedule,
        recurrenceText: m.recurrence ?? '',
        startsOn: days.length ? iso(days[0]!) : null,
        endsOn: days.length ? iso(days.at(-1)!) : null,
        volunteersNeeded: slots.reduce((n, x) => n + x.capacity, 0),
        requiredSkillIds: skills.filter((k) => m.skills?.includes(k.slug)).map((k) => k.id),
        reducedMobility: !!m.mobility,
        remotePossible: !!m.remote,
        remoteOnly: !!m.remote,
        openToMinors: !!m.minors,
        areaId: home.id,
        publicLat: point.lat,
        publicLon: point.lon,
        createdByAccountId: owner.id,
        publishedAt: new Date(now - 2 * 86_400_000),
        status: 'open',
      });
      await missionsRepo.insertSlots(
        db,
        slots.map((x, i) => ({ missionId: mission.id, ...x, position: i })),
      );
    }
  }
  return STRUCTURES.length;
}
