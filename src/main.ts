import { buildApp } from './app.ts';
import { isProduction, loadEnv } from './config/env.ts';
import { openDatabase } from './db/client.ts';
import { runMigrations } from './db/migrate.ts';
import { countDemoAccounts, demoInfoLines, seedDemo } from './db/seed/demo.ts';

/** Starts Main-forte: environment, database, migrations, demo data (demo mode), server, jobs. */
async function main() {
  const started = performance.now();
  const env = loadEnv();
  const database = await openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
    (msg, err) => console.error(msg, err),
  );
  await runMigrations(database, env.DATABASE_URL);

  let demo = null;
  if (isProduction(env)) {
    const demoAccounts = await countDemoAccounts(database.db);
    if (demoAccounts > 0) {
      console.error(
        `Refus de démarrer en production : ${demoAccounts} compte(s) de démonstration existent dans cette base. ` +
          'Utilisez une base neuve pour la production.',
      );
      await database.close();
      process.exit(1);
    }
  } else if (env.MAIN_FORTE_MODE === 'demo') {
    demo = await seedDemo(database.db);
  }

  const app = await buildApp({ env, database, startJobs: true });
  await app.listen({ host: env.HOST, port: env.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}`;
  const ms = Math.round(performance.now() - started);

  const lines = [
    '',
    `  Main-forte est prêt : ${url}`,
    `  Base de données : ${database.kind === 'pglite' ? `PGlite (${env.DATA_DIR})` : 'PostgreSQL'} — démarrage en ${ms} ms`,
  ];
  if (demo) lines.push(...demoInfoLines(demo, { mailboxUrl: `${url}/dev/mails` }));
  console.log(lines.join('\n') + '\n');
  app.log.info({ url, startMs: ms }, 'started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    // Refuse new connections, finish requests in flight, stop jobs, then close the database.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  // A lost database connection must not take the process down: log, keep serving, recover.
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'unhandled rejection'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
