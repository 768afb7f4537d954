import { defineConfig } from 'vitest/config';

// Integration tests run on PGlite always, and a second time on PostgreSQL when
// TEST_DATABASE_URL is set (CI sets it). Unit tests run once.
const postgres = process.env.TEST_DATABASE_URL;
const integration = ['tests/integration/**/*.test.{ts,tsx}'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}'] } },
      {
        extends: true as const,
        test: {
          name: 'pglite',
          include: integration,
          env: { TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: integration,
                env: { TEST_DB: 'postgres' },
                globalSetup: ['tests/support/postgres-setup.ts'],
              },
            },
          ]
        : []),
      {
        extends: true as const,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.{ts,tsx}'],
          env: { TEST_DB: 'pglite' },
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 90_000,
          // A hook that starts the app and Chromium on a loaded machine (CI once took > 60 s).
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
