import { z } from 'zod';

/**
 * The environment, validated once at start-up. Anything wrong here stops the process with a
 * readable list of problems instead of failing later in a request.
 */
const schema = z
  .object({
    MAIN_FORTE_MODE: z.enum(['demo', 'production', 'test']).default('demo'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./data'),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET doit faire au moins 32 caractères').optional(),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('Main-forte <ne-pas-repondre@main-forte.localhost>'),
    GEOCODER: z.enum(['offline', 'ban']).default('offline'),
    BAN_API_URL: z.url().default('https://api-adresse.data.gouv.fr'),
    TRUST_PROXY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEFAULT_TERRITORY: z.string().default('lozere'),
  })
  .superRefine((env, ctx) => {
    if (env.MAIN_FORTE_MODE === 'production') {
      if (!env.SESSION_SECRET)
        ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'obligatoire en production' });
      if (!env.DATABASE_URL)
        ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'obligatoire en production' });
      if (!env.PUBLIC_URL)
        ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'obligatoire en production' });
    }
  });

export type Env = z.infer<typeof schema> & { SESSION_SECRET: string };

/** Parses the environment or throws an error listing every invalid variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  // Outside production a fixed development secret is acceptable: sessions there are throw-away.
  return { ...env, SESSION_SECRET: env.SESSION_SECRET ?? 'dev-only-secret-not-for-production-use-0000' };
}

/** True when the platform runs for real users (no demo data, secure cookies, no dev mailbox). */
export const isProduction = (env: Pick<Env, 'MAIN_FORTE_MODE'>) => env.MAIN_FORTE_MODE === 'production';
