import type { Role } from '../db/schema.ts';

/** What every page needs from the request, built once per request by the app (see app.ts). */
export interface PageContext {
  territory: {
    slug: string;
    name: string;
    helplinePhone: string | null;
    helplineHours: string | null;
  };
  viewer: {
    accountId: string;
    displayName: string;
    roles: readonly Role[];
    emailVerified: boolean;
    /** Conversations with unread messages. */
    unread: number;
  } | null;
  csrfToken: string;
  assets: { css: string; js: string; theme: string };
  flash: string | null;
  demo: boolean;
  devMailbox: boolean;
  path: string;
}
