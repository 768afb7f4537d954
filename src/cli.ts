// The operations command line: `npm run cli -- <commande> [options]`. This file only reads
// arguments, opens the database and prints; the rules live in the modules' services.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { isProduction, loadEnv, type Env } from './config/env.ts';
import { openDatabase, type Database } from './db/client.ts';
import { runMigrations } from './db/migrate.ts';
import { countDemoAccounts, demoInfoLines, seedDemo } from './db/seed/demo.ts';
import { parseInput } from './domain/fields.ts';
import { formatPhone } from './domain/input.ts';
import { createAdmin } from './modules/accounts/admin.ts';
import { createAdminInput } from './modules/accounts/schemas.ts';
import { createTerritory, findTerritory, importAreas } from './modules/territory/admin.ts';
import { systemCtx } from './platform/context.ts';
import { errorMessage } from './web/i18n/index.ts';

/** Where a run reads its environment and writes its lines; tests pass their own. */
export interface CliIo {
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** An open, migrated database to use instead of opening one from the environment (tests). */
  database?: Database;
}

/** A failure explained in French to the person at the terminal. */
class CliError extends Error {}

interface Command {
  summary: string;
  usage: string;
  details: string[];
  options: ParseArgsOptionsConfig;
  required: string[];
  action(args: Args): Promise<number>;
}

interface Args {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  env: Env;
  io: CliIo;
  out: (line: string) => void;
  err: (line: string) => void;
}

const help = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsOptionsConfig;

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'Applique les migrations de la base de données.',
    usage: 'migrate',
    details: [],
    options: help,
    required: [],
    async action({ env, io, out }) {
      await withDatabase(env, io, { migrateInjected: true }, async () => undefined);
      out(`Base de données à jour (${describeDatabase(env)}).`);
      return 0;
    },
  },

  'seed-demo': {
    summary: 'Crée le territoire et les comptes de démonstration (refusé en production).',
    usage: 'seed-demo',
    details: [
      'Applique les migrations, puis crée la Lozère de démonstration si la base n’a aucun territoire.',
      'Les comptes de démonstration ont un mot de passe public : jamais en production.',
    ],
    options: help,
    required: [],
    async action({ env, io, out }) {
      if (isProduction(env))
        throw new CliError(
          'Refusé : seed-demo crée des comptes au mot de passe public, interdits en production ' +
            '(MAIN_FORTE_MODE=production).',
        );
      await withDatabase(env, io, {}, async ({ db }) => {
        const demo = await seedDemo(db);
        if (!demo.created && (await countDemoAccounts(db)) === 0)
          throw new CliError(
            'Rien n’a été créé : la base contient déjà un territoire. ' +
              'La démonstration s’installe sur une base vide.',
          );
        const base =
          env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`;
        out(demo.created ? 'Données de démonstration créées.' : 'Données de démonstration déjà présentes.');
        for (const line of demoInfoLines(demo, env.SMTP_URL ? {} : { mailboxUrl: `${base}/dev/mails` }))
          out(line);
      });
      return 0;
    },
  },

  'create-admin': {
    summary: 'Crée un compte administrateur, ou donne ce rôle à un compte existant.',
    usage: 'create-admin --email E --name N [--territory SLUG] [--password P]',
    details: [
      '--email       adresse e-mail du compte (obligatoire)',
      '--name        nom affiché (obligatoire pour un nouveau compte)',
      '--territory   identifiant du territoire (par défaut : le territoire par défaut)',
      '--password    12 caractères au moins ; sans cette option, un nouveau compte reçoit un mot de',
      '              passe aléatoire affiché une seule fois. Sur un compte existant, le remplace et',
      '              ferme ses sessions. Évitez-la si possible : elle reste dans l’historique du shell.',
      'Le compte reçoit les rôles membre et administrateur ; son adresse est considérée comme vérifiée.',
    ],
    options: {
      ...help,
      email: { type: 'string' },
      name: { type: 'string' },
      territory: { type: 'string' },
      password: { type: 'string' },
    },
    required: ['email'],
    async action({ values, env, io, out }) {
      const parsed = parseInput(createAdminInput, {
        email: values.email,
        displayName: values.name,
        password: values.password,
      });
      if (!parsed.ok) throw new CliError(fieldErrors(parsed.errors));
      return withDatabase(env, io, {}, async ({ db }) => {
        const territory = await requireTerritory(db, values.territory as string | undefined, env);
        const result = await createAdmin(db, systemCtx(territory.id, 'cli'), parsed.value);
        if (!result.ok) throw new CliError(fieldErrors(result.errors));
        const { created, generatedPassword, passwordSet, suspended } = result.value;
        const where = `du territoire « ${territory.name} » (${territory.slug})`;
        if (created) out(`Compte créé : ${parsed.value.email}, membre et administrateur ${where}.`);
        else out(`Compte existant : ${parsed.value.email} est maintenant administrateur ${where}.`);
        if (generatedPassword) {
          out(`Mot de passe (affiché une seule fois, à transmettre de façon sûre) : ${generatedPassword}`);
          out('La personne pourra le changer avec « Mot de passe oublié ».');
        } else if (!created && passwordSet) {
          out('Mot de passe remplacé ; les sessions ouvertes de ce compte ont été fermées.');
        } else if (!created) {
          out('Mot de passe inchangé.');
        }
        if (suspended) out('Attention : ce compte est suspendu, il ne peut pas se connecter.');
        return 0;
      });
    },
  },

  'create-territory': {
    summary: 'Crée un territoire à partir d’un fichier de données géographiques.',
    usage: 'create-territory --slug S --geodata 48-lozere [--host H] [--phone P] [--hours "…"]',
    details: [
      '--slug      identifiant du territoire : minuscules sans accent, chiffres, tirets (obligatoire)',
      '--geodata   fichier de src/db/geo, sans « .json » (obligatoire)',
      '--host      nom d’hôte qui sert ce territoire (peut être répété)',
      '--phone     numéro unique, par exemple « 04 66 12 34 56 »',
      '--hours     horaires du numéro unique, par exemple « Du lundi au vendredi, de 9 h à 17 h »',
      'Crée le territoire, ses communes et les catégories par défaut.',
    ],
    options: {
      ...help,
      slug: { type: 'string' },
      geodata: { type: 'string' },
      host: { type: 'string', multiple: true },
      phone: { type: 'string' },
      hours: { type: 'string' },
    },
    required: ['slug', 'geodata'],
    async action({ values, env, io, out }) {
      return withDatabase(env, io, {}, async ({ db }) => {
        const result = await createTerritory(db, {
          slug: values.slug as string,
          geodata: values.geodata as string,
          hosts: (values.host as string[] | undefined) ?? [],
          helplinePhone: (values.phone as string | undefined) ?? null,
          helplineHours: (values.hours as string | undefined) ?? null,
        });
        if (!result.ok) throw new CliError(result.problems.join('\n'));
        const { territory: t, communes, categories } = result.value;
        out(`Territoire créé : « ${t.name} » (${t.slug}), ${communes} communes, ${categories} catégories.`);
        out(
          t.hosts.length > 0
            ? `Servi à : ${t.hosts.join(', ')}`
            : 'Aucun nom d’hôte : ajoutez-en avec --host.',
        );
        if (t.helplinePhone) out(`Numéro unique : ${formatPhone(t.helplinePhone)}`);
        out('Les instances déjà démarrées le verront d’ici 30 secondes.');
        return 0;
      });
    },
  },

  'import-areas': {
    summary: 'Importe des communes ou des quartiers depuis un fichier GeoJSON.',
    usage: 'import-areas --territory SLUG --file zones.geojson [--kind commune|quartier]',
    details: [
      '--territory   identifiant du territoire (obligatoire)',
      '--file        FeatureCollection GeoJSON (obligatoire) ; chaque élément a les propriétés',
      '              « code » et « nom » (ou « name »), et un Polygon ou un MultiPolygon',
      '--kind        commune ou quartier, pour tous les éléments (sinon la propriété « kind »,',
      '              et « commune » par défaut)',
      'Rien n’est écrit si un élément est invalide. Une zone de même type et de même code est',
      'mise à jour.',
    ],
    options: {
      ...help,
      territory: { type: 'string' },
      file: { type: 'string' },
      kind: { type: 'string' },
    },
    required: ['territory', 'file'],
    async action({ values, env, io, out }) {
      const kind = values.kind as string | undefined;
      if (kind !== undefined && kind !== 'commune' && kind !== 'quartier')
        throw new CliError(`--kind : « ${kind} » n’est pas un type de zone (commune ou quartier).`);
      const file = values.file as string;
      const collection = await readJson(file);
      return withDatabase(env, io, {}, async ({ db }) => {
        const territory = await requireTerritory(db, values.territory as string, env);
        const result = await importAreas(db, systemCtx(territory.id, 'cli'), collection, {
          ...(kind ? { kind } : {}),
          source: basename(file),
        });
        if (!result.ok)
          throw new CliError(
            [`Le fichier ${file} contient des erreurs :`, ...result.problems.map((p) => `  - ${p}`)].join(
              '\n',
            ) + '\nAucune zone n’a été importée.',
          );
        const { imported, kinds } = result.value;
        const detail = [
          kinds.commune > 0 ? `${kinds.commune} commune(s)` : null,
          kinds.quartier > 0 ? `${kinds.quartier} quartier(s)` : null,
        ]
          .filter(Boolean)
          .join(', ');
        out(`${imported} zone(s) importée(s) (${detail}) dans « ${territory.name} » (${territory.slug}).`);
        return 0;
      });
    },
  },
};

/** The general help: every command in one line. */
export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return [
    'Main-forte — commandes d’exploitation',
    '',
    'Usage : npm run cli -- <commande> [options]',
    '',
    'Commandes :',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'La base de données est celle de DATABASE_URL, sinon PGlite dans DATA_DIR (./data par défaut).',
    'Aide d’une commande : npm run cli -- <commande> --help',
  ].join('\n');
}

function commandHelp(name: string, c: Command): string {
  return [
    `Usage : npm run cli -- ${c.usage}`,
    '',
    c.summary,
    ...(c.details.length ? ['', ...c.details.map((d) => `  ${d}`)] : []),
  ].join('\n');
}

/**
 * Runs one command and returns the exit code: 0 on success, 1 with a French message on `err`
 * otherwise. Never throws.
 */
export async function run(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const [name, ...rest] = argv;
  if (name === undefined || name === '') {
    err(helpText());
    return 1;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out(helpText());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err(`Commande inconnue : « ${name} ».`);
    err('');
    err(helpText());
    return 1;
  }
  try {
    let values: Args['values'];
    try {
      ({ values } = parseArgs({
        args: rest,
        options: command.options,
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      throw new CliError(`${argumentError(e)}\n\n${commandHelp(name, command)}`);
    }
    if (values.help) {
      out(commandHelp(name, command));
      return 0;
    }
    const missing = command.required.filter((o) => values[o] === undefined || values[o] === '');
    if (missing.length > 0)
      throw new CliError(
        `Option(s) obligatoire(s) manquante(s) : ${missing.map((o) => `--${o}`).join(', ')}\n\n${commandHelp(name, command)}`,
      );
    const env = loadEnv(io.env ?? process.env);
    return await command.action({ values, env, io, out, err });
  } catch (e) {
    if (e instanceof CliError) err(e.message);
    else if (e instanceof Error && e.message.startsWith('Configuration invalide')) err(e.message);
    else err(`Échec de « ${name} » : ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/** parseArgs' English errors, in French. */
function argumentError(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const token = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Option inconnue : ${token}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `Valeur manquante ou invalide pour l’option ${token.replace(/ <value>$/, '')}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Argument inattendu : ${token}`;
    default:
      return `Arguments invalides : ${message}`;
  }
}

const OPTION_OF_FIELD: Record<string, string> = {
  email: '--email',
  displayName: '--name',
  password: '--password',
};

function fieldErrors(errors: Record<string, { key: string; param?: string }>): string {
  return Object.entries(errors)
    .map(([field, error]) => `${OPTION_OF_FIELD[field] ?? field} : ${errorMessage(error)}`)
    .join('\n');
}

function describeDatabase(env: Env): string {
  return env.DATABASE_URL ? 'PostgreSQL' : `PGlite, ${env.DATA_DIR}`;
}

/**
 * Runs `fn` on the injected database, or on the one of the environment (DATABASE_URL, else
 * PGlite in DATA_DIR) after applying pending migrations, closed afterwards.
 */
async function withDatabase<T>(
  env: Env,
  io: CliIo,
  opts: { migrateInjected?: boolean },
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  if (io.database) {
    if (opts.migrateInjected) await runMigrations(io.database, env.DATABASE_URL);
    return fn(io.database);
  }
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const database = await openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
    (msg, e) => err(`${msg}: ${e instanceof Error ? e.message : String(e)}`),
  );
  try {
    await runMigrations(database, env.DATABASE_URL);
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function requireTerritory(db: Database['db'], slug: string | undefined, env: Env) {
  const territory = await findTerritory(db, slug, env.DEFAULT_TERRITORY);
  if (territory) return territory;
  if (slug) throw new CliError(`Territoire « ${slug} » introuvable.`);
  throw new CliError(
    'Aucun territoire dans cette base : créez-en un avec « create-territory » (ou « seed-demo » hors production).',
  );
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new CliError(
      code === 'ENOENT'
        ? `Fichier introuvable : ${file}`
        : `Lecture impossible de ${file} (${code ?? 'erreur'}).`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(
      `Le fichier ${file} n’est pas du JSON valide : ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
