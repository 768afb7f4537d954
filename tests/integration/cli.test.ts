import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIo } from '../../src/cli.ts';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/db/seed/demo.ts';
import { account, area, auditEvent, category, membership, territory } from '../../src/db/schema.ts';
import { pointInGeometry, type Geometry } from '../../src/domain/geo.ts';
import {
  createMember,
  createTestApp,
  createTestTerritory,
  openTestDatabase,
  TestClient,
  testDbKind,
  uniqueSlug,
  type TestApp,
} from '../support/app.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await createTestApp({ database: await openTestDatabase() });
  dir = await mkdtemp(join(tmpdir(), 'main-forte-cli-'));
});
afterAll(async () => {
  await t?.close();
  await t?.database.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI on the test database, capturing what it prints. */
async function cli(argv: string[], io: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    env: { MAIN_FORTE_MODE: 'test', LOG_LEVEL: 'silent' },
    database: t.database,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...io,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const roleRows = (accountId: string) =>
  t.database.db
    .select({ roles: membership.roles })
    .from(membership)
    .where(and(eq(membership.accountId, accountId), eq(membership.territoryId, t.territory.id)));

const auditRows = (action: string, subjectId: string) =>
  t.database.db
    .select()
    .from(auditEvent)
    .where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)));

describe('help and errors', () => {
  it('lists the commands with --help', async () => {
    const res = await cli(['--help']);
    expect(res.code).toBe(0);
    for (const c of ['migrate', 'seed-demo', 'create-admin', 'create-territory', 'import-areas'])
      expect(res.out).toContain(c);
  });

  it('answers an unknown command with exit code 1 and the help', async () => {
    const res = await cli(['detruire-tout']);
    expect(res.code).toBe(1);
    expect(res.err).toContain('Commande inconnue : « detruire-tout »');
    expect(res.err).toContain('create-admin');
    expect(res.out).toBe('');
  });

  it('explains unknown options and missing required options in French', async () => {
    const unknown = await cli(['create-admin', '--email', 'a@exemple.fr', '--force']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Option inconnue : --force');
    const missing = await cli(['import-areas', '--territory', t.territory.slug]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Option(s) obligatoire(s) manquante(s) : --file');
  });
});

describe('create-admin', () => {
  it('creates a verified admin with a generated password, who can then sign in', async () => {
    const email = `${uniqueSlug('admin')}@exemple.fr`;
    const res = await cli([
      'create-admin',
      '--email',
      email.toUpperCase(),
      '--name',
      'Claire Admin',
      '--territory',
      t.territory.slug,
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`Compte créé : ${email}`);
    const password = /affiché une seule fois.* : (\S+)$/m.exec(res.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);

    const [acc] = await t.database.db.select().from(account).where(eq(account.email, email));
    expect(acc?.displayName).toBe('Claire Admin');
    expect(acc?.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await roleRows(acc!.id))[0]?.roles.sort()).toEqual(['admin', 'member']);
    const [event] = await auditRows('account.create_admin', acc!.id);
    expect(event).toMatchObject({ actorAccountId: null, territoryId: t.territory.id, requestId: 'cli' });
    expect(JSON.stringify(event?.data)).not.toContain(password!);

    const client = new TestClient(t.app, t.host);
    await client.logIn(email, password!);
    const me = await client.get('/api/v1/me');
    expect(me.json()).toMatchObject({ displayName: 'Claire Admin', emailVerified: true });
    expect(me.json().roles).toContain('admin');
  });

  it('promotes an existing member and keeps their password', async () => {
    const member = await createMember(t, { verified: false });
    const res = await cli(['create-admin', '--email', member.email, '--territory', t.territory.slug]);
    expect(res.code).toBe(0);
    expect(res.out).toContain('est maintenant administrateur');
    expect(res.out).toContain('Mot de passe inchangé.');
    expect(res.out).not.toContain('affiché une seule fois');
    expect((await roleRows(member.id))[0]?.roles.sort()).toEqual(['admin', 'member']);
    const [acc] = await t.database.db.select().from(account).where(eq(account.id, member.id));
    expect(acc?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await auditRows('account.create_admin', member.id)).toHaveLength(1);

    const client = new TestClient(t.app, t.host);
    await client.logIn(member.email, member.password);
    expect((await client.get('/api/v1/me')).json().roles).toContain('admin');
  });

  it('sets the password given to an existing account and closes its sessions', async () => {
    const member = await createMember(t);
    const before = new TestClient(t.app, t.host);
    await before.logIn(member.email, member.password);
    const res = await cli([
      'create-admin',
      '--email',
      member.email,
      '--territory',
      t.territory.slug,
      '--password',
      'une nouvelle phrase secrète',
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toContain('Mot de passe remplacé');
    expect((await before.get('/compte')).statusCode).toBe(303);
    await new TestClient(t.app, t.host).logIn(member.email, 'une nouvelle phrase secrète');
  });

  it('refuses an invalid email, a short password or a missing name, writing nothing', async () => {
    const bad = await cli(['create-admin', '--email', 'pas-une-adresse', '--name', 'X Y']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--email : Saisissez une adresse e-mail valide');

    const email = `${uniqueSlug('court')}@exemple.fr`;
    const short = await cli(['create-admin', '--email', email, '--name', 'Léa', '--password', 'trop court']);
    expect(short.code).toBe(1);
    expect(short.err).toContain('--password : Le mot de passe doit contenir au moins 12 caractères.');

    const nameless = await cli(['create-admin', '--email', email, '--territory', t.territory.slug]);
    expect(nameless.code).toBe(1);
    expect(nameless.err).toContain('--name : Ce champ est obligatoire.');
    expect(await t.database.db.select().from(account).where(eq(account.email, email))).toHaveLength(0);

    const nowhere = await cli([
      'create-admin',
      '--email',
      email,
      '--name',
      'Léa',
      '--territory',
      'nulle-part',
    ]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toContain('Territoire « nulle-part » introuvable.');
  });
});

// Two quartiers of Mende, as small squares.
const square = (lon: number, lat: number): Geometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + 0.01, lat],
      [lon + 0.01, lat + 0.01],
      [lon, lat + 0.01],
      [lon, lat],
    ],
  ],
});
const quartiers = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { code: 'MENDE-C', nom: 'Centre-ville' }, geometry: square(3.49, 44.51) },
    { type: 'Feature', properties: { code: 'MENDE-F', nom: 'Fontanilles' }, geometry: square(3.5, 44.52) },
  ],
};

describe('import-areas', () => {
  it('imports two quartiers from a GeoJSON file and audits it', async () => {
    const file = join(dir, 'quartiers.geojson');
    await writeFile(file, JSON.stringify(quartiers));
    const args = ['import-areas', '--territory', t.territory.slug, '--file', file, '--kind', 'quartier'];
    const res = await cli(args);
    expect(res.code).toBe(0);
    expect(res.out).toContain('2 zone(s) importée(s) (2 quartier(s))');

    const rows = await t.database.db
      .select()
      .from(area)
      .where(and(eq(area.territoryId, t.territory.id), eq(area.kind, 'quartier')));
    expect(rows.map((r) => r.name).sort()).toEqual(['Centre-ville', 'Fontanilles']);
    for (const r of rows) expect(pointInGeometry(r.centroidLat, r.centroidLon, r.outline!)).toBe(true);
    const events = await auditRows('area.import', t.territory.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorAccountId: null,
      data: { count: 2, source: 'quartiers.geojson' },
    });

    // Again: the same areas are updated, not duplicated.
    expect((await cli(args)).code).toBe(0);
    const again = await t.database.db
      .select()
      .from(area)
      .where(and(eq(area.territoryId, t.territory.id), eq(area.kind, 'quartier')));
    expect(again).toHaveLength(2);
  });

  it('lists the problems of an invalid file in French and writes nothing', async () => {
    const other = { territory: await createTestTerritory(t.database) };
    const file = join(dir, 'invalide.geojson');
    await writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          quartiers.features[0],
          { type: 'Feature', properties: { code: 'SANS-NOM' }, geometry: square(3.5, 44.5) },
          {
            type: 'Feature',
            properties: { code: 'PT', nom: 'Un point' },
            geometry: { type: 'Point', coordinates: [3.5, 44.5] },
          },
          {
            type: 'Feature',
            properties: { code: 'XY', nom: 'Hors limites' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [500, 44],
                  [3, 44],
                  [3, 45],
                  [500, 44],
                ],
              ],
            },
          },
        ],
      }),
    );
    const count = async () =>
      (await t.database.db.select().from(area).where(eq(area.territoryId, other.territory.id))).length;
    const before = await count();
    const res = await cli(['import-areas', '--territory', other.territory.slug, '--file', file]);
    expect(res.code).toBe(1);
    expect(res.err).toContain('contient des erreurs');
    expect(res.err).toContain('Élément 2 : propriétés « code » et « nom » obligatoires.');
    expect(res.err).toContain('Élément 3 (PT) : la géométrie doit être un Polygon ou un MultiPolygon.');
    expect(res.err).toContain('Élément 4 : coordonnées invalides');
    expect(res.err).toContain('Aucune zone n’a été importée.');
    expect(await count()).toBe(before);
    expect(await auditRows('area.import', other.territory.id)).toHaveLength(0);

    const notJson = join(dir, 'pas-du-json.geojson');
    await writeFile(notJson, '<kml>');
    const res2 = await cli(['import-areas', '--territory', other.territory.slug, '--file', notJson]);
    expect(res2.code).toBe(1);
    expect(res2.err).toContain('n’est pas du JSON valide');
    const missing = await cli([
      'import-areas',
      '--territory',
      other.territory.slug,
      '--file',
      join(dir, 'absent'),
    ]);
    expect(missing.err).toContain('Fichier introuvable');
  });
});

describe('create-territory', () => {
  it('creates a territory from the shipped geodata, served at its host', async () => {
    const slug = uniqueSlug('terr');
    const res = await cli([
      'create-territory',
      '--slug',
      slug,
      '--geodata',
      '48-lozere',
      '--host',
      `${slug}.test`,
      '--phone',
      '04 66 12 34 56',
      '--hours',
      'Du lundi au vendredi',
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`Territoire créé : « Lozère » (${slug}), 152 communes, 12 catégories.`);
    const [row] = await t.database.db.select().from(territory).where(eq(territory.slug, slug));
    expect(row).toMatchObject({ helplinePhone: '0466123456', hosts: [`${slug}.test`] });
    const cats = await t.database.db.select().from(category).where(eq(category.territoryId, row!.id));
    expect(cats).toHaveLength(12);
    expect(await auditRows('territory.create', row!.id)).toHaveLength(1);

    t.app.platform.territories.invalidate();
    const home = await new TestClient(t.app, `${slug}.test`).get('/');
    expect(home.body).toContain('04 66 12 34 56');

    const twice = await cli(['create-territory', '--slug', slug, '--geodata', '48-lozere']);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain(`Le territoire « ${slug} » existe déjà.`);
  });

  it('refuses unknown geodata and invalid values', async () => {
    const res = await cli(['create-territory', '--slug', 'Pas Bon', '--geodata', '../../etc/passwd']);
    expect(res.code).toBe(1);
    expect(res.err).toContain('Identifiant « Pas Bon » invalide');
    expect(res.err).toContain(
      'Données géographiques « ../../etc/passwd » introuvables. Disponibles : 48-lozere.',
    );
  });
});

describe('seed-demo and migrate', () => {
  it('refuses to seed demo data in production, before touching the database', async () => {
    const res = await cli(['seed-demo'], {
      database: undefined,
      env: {
        MAIN_FORTE_MODE: 'production',
        SESSION_SECRET: 'x'.repeat(40),
        // Nothing listens there: the refusal must come before any connection.
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        PUBLIC_URL: 'https://entraide.example.fr',
      },
    });
    expect(res.code).toBe(1);
    expect(res.err).toContain('Refusé : seed-demo');
    expect(res.err).toContain('MAIN_FORTE_MODE=production');
  });

  it('reports an invalid configuration in French', async () => {
    const res = await cli(['migrate'], { database: undefined, env: { MAIN_FORTE_MODE: 'production' } });
    expect(res.code).toBe(1);
    expect(res.err).toContain('Configuration invalide');
    expect(res.err).toContain('DATABASE_URL: obligatoire en production');
  });

  it('migrates the database named by the environment', async () => {
    const env: Record<string, string> =
      testDbKind() === 'postgres'
        ? { MAIN_FORTE_MODE: 'test', DATABASE_URL: process.env.TEST_DATABASE_URL! }
        : { MAIN_FORTE_MODE: 'test', DATA_DIR: 'memory://' };
    const res = await cli(['migrate'], { database: undefined, env });
    expect(res.code).toBe(0);
    expect(res.out).toContain('Base de données à jour');
  });

  it('seeds an empty database and prints the demo accounts', async () => {
    const res = await cli(['seed-demo'], {
      database: undefined,
      env: { MAIN_FORTE_MODE: 'demo', DATA_DIR: 'memory://' },
    });
    expect(res.code).toBe(0);
    expect(res.out).toContain('Données de démonstration créées.');
    expect(res.out).toContain(`mot de passe pour tous : ${DEMO_PASSWORD}`);
    for (const a of DEMO_ACCOUNTS) expect(res.out).toContain(a.email);
    expect(res.out).toContain('http://127.0.0.1:3000/dev/mails');
  });

  it('creates nothing when the database already has a territory', async () => {
    // A database of its own: the shared one could hold demo accounts made by another test file.
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      await runMigrations(database);
      await createTestTerritory(database);
      const res = await cli(['seed-demo'], { database });
      expect(res.code).toBe(1);
      expect(res.err).toContain('la base contient déjà un territoire');
    } finally {
      await database.close();
    }
  });
});
