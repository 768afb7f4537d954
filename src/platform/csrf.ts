import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection by signed double submit: a random HttpOnly cookie, and in every form a token
 * that is the HMAC of that cookie with the server secret. A page from another site can neither
 * read the cookie nor compute the token.
 */
export class Csrf {
  constructor(
    private readonly secret: string,
    readonly cookieName: string,
  ) {}

  /** A fresh random cookie value. */
  newSeed(): string {
    return randomBytes(24).toString('base64url');
  }

  /** The token that forms carry for a given cookie value. */
  tokenFor(seed: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${seed}`).digest('base64url');
  }

  /** Does `token` match the cookie `seed`? Constant-time. */
  verify(seed: string | undefined, token: unknown): boolean {
    if (!seed || typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(seed));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
