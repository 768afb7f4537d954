import { count, eq } from 'drizzle-orm';
import type { Role } from '../schema.ts';
import { account, territory } from '../schema.ts';
import { formatPhone } from '../../domain/input.ts';
import { hashPassword } from '../../modules/accounts/service.ts';
import * as accountsRepo from '../../modules/accounts/repository.ts';
import type { Db } from '../client.ts';
import { seedDemoCases } from './demo-cases.ts';
import { seedDemoConversations } from './demo-conversations.ts';
import { seedDemoOrganizations } from './demo-organizations.ts';
import { seedDemoPosts } from './demo-posts.ts';
import { createDepartementTerritory, loadGeodata } from './territory.ts';

/** Demo accounts: fictitious people, one per role, all with the same printed password. */
export const DEMO_PASSWORD = 'entraide-en-lozere';
// A fictitious number: the demo must not send callers to a real service.
export const DEMO_HELPLINE_PHONE = '0466000000';
export const DEMO_ACCOUNTS: ReadonlyArray<{
  email: string;
  displayName: string;
  roles: Role[];
  area: string;
}> = [
  {
    email: 'admin@demo.main-forte.fr',
    displayName: 'Claire A. (admin)',
    roles: ['member', 'admin'],
    area: '48095',
  },
  {
    email: 'moderation@demo.main-forte.fr',
    displayName: 'Marc M. (modération)',
    roles: ['member', 'moderator'],
    area: '48095',
  },
  {
    email: 'operateur@demo.main-forte.fr',
    displayName: 'Sonia O. (numéro unique)',
    roles: ['member', 'operator'],
    area: '48092',
  },
  { email: 'jeanne@demo.main-forte.fr', displayName: 'Jeanne M.', roles: ['member'], area: '48095' },
  { email: 'paul@demo.main-forte.fr', displayName: 'Paul R.', roles: ['member'], area: '48092' },
  // Owner of the demo's structures (associations, CCAS, EHPAD, commune) and their missions.
  {
    email: 'association@demo.main-forte.fr',
    displayName: 'Hélène B. (structures)',
    roles: ['member'],
    area: '48095',
  },
];

export interface DemoInfo {
  created: boolean;
  territory: string;
  accounts: ReadonlyArray<{ email: string; roles: Role[] }>;
  password: string;
}

/**
 * Creates the Lozère demo territory, its communes and categories, and the demo accounts, when
 * the database has no territory yet. Safe to call at every start.
 */
export async function seedDemo(db: Db): Promise<DemoInfo> {
  const [existing] = await db.select({ n: count() }).from(territory);
  const info = { territory: 'Lozère', accounts: DEMO_ACCOUNTS, password: DEMO_PASSWORD };
  if ((existing?.n ?? 0) > 0) return { created: false, ...info };
  const geodata = await loadGeodata('48-lozere');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    const lozere = await createDepartementTerritory(tx, geodata, {
      slug: 'lozere',
      isDefault: true,
      helplinePhone: DEMO_HELPLINE_PHONE,
      helplineHours: 'Du lundi au samedi, de 9 h à 18 h',
    });
    const areas = await tx.query.area.findMany({ where: (a, { eq: e }) => e(a.territoryId, lozere.id) });
    const areaByCode = new Map(areas.map((a) => [a.code, a.id]));
    for (const demo of DEMO_ACCOUNTS) {
      const acc = await accountsRepo.insertAccount(tx, {
        email: demo.email,
        passwordHash,
        displayName: demo.displayName,
        isDemo: true,
        emailVerifiedAt: new Date(),
      });
      if (!acc) continue;
      await accountsRepo.upsertMembership(tx, {
        territoryId: lozere.id,
        accountId: acc.id,
        roles: demo.roles,
        homeAreaId: areaByCode.get(demo.area) ?? null,
      });
    }
    await seedDemoPosts(tx, lozere.id, { passwordHash });
    await seedDemoOrganizations(tx, lozere.id, 'association@demo.main-forte.fr');
    await seedDemoConversations(tx, lozere.id, {
      jeanne: 'jeanne@demo.main-forte.fr',
      paul: 'paul@demo.main-forte.fr',
    });
    await seedDemoCases(tx, lozere.id, {
      operator: 'operateur@demo.main-forte.fr',
      jeanne: 'jeanne@demo.main-forte.fr',
      paul: 'paul@demo.main-forte.fr',
    });
  });
  return { created: true, ...info };
}

/**
 * The French lines that present the demo (territory, helpline, accounts and their password),
 * printed by `npm start` in demo mode and by `npm run cli -- seed-demo`.
 */
export function demoInfoLines(demo: DemoInfo, opts: { mailboxUrl?: string } = {}): string[] {
  const lines = [
    `  Territoire de démonstration : ${demo.territory}${demo.created ? ' (créé à l’instant)' : ''}`,
    `  Numéro unique (fictif) : ${formatPhone(DEMO_HELPLINE_PHONE)}`,
    '  Comptes de démonstration (mot de passe pour tous : ' + demo.password + ') :',
    ...demo.accounts.map((a) => `    - ${a.email.padEnd(32)} ${a.roles.join(', ')}`),
  ];
  if (opts.mailboxUrl) lines.push(`  Boîte mail de développement : ${opts.mailboxUrl}`);
  return lines;
}

/** How many demo accounts exist (production refuses to start while there are any). */
export async function countDemoAccounts(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(account).where(eq(account.isDemo, true));
  return row?.n ?? 0;
}
