import { defineConfig } from 'drizzle-kit';

// Used only to generate SQL migrations from src/db/schema.ts (`npm run db:generate`).
// Migrations are applied by the application itself at start-up (src/db/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
