/** Validation limits, defined once and used by forms, API schemas and services alike. */
export const LIMITS = {
  email: { max: 254 },
  password: { min: 12, max: 256 },
  displayName: { min: 2, max: 60 },
  phone: { max: 25 },
  /** Anything typed in a single-line field. */
  shortText: { max: 200 },
  /** Anything typed in a multi-line field. */
  longText: { max: 5000 },
  /** Bodies larger than this are refused before parsing (form posts and JSON). */
  bodyBytes: 64 * 1024,
} as const;

/** Session and token lifetimes. */
export const DURATIONS = {
  sessionDays: 30,
  verifyEmailHours: 48,
  resetPasswordMinutes: 60,
  loginWindowMinutes: 15,
} as const;

/** Failed sign-ins tolerated within the window before refusing further attempts. */
export const LOGIN_THROTTLE = { perEmail: 5, perIp: 30 } as const;
