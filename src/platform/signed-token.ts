import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens for links that must work without signing in (« se désabonner » in a mail): the value
 * and its HMAC with the server secret, for one purpose. Nothing is stored; changing the secret
 * voids every token.
 */
export class Signer {
  constructor(private readonly secret: string) {}

  private mac(purpose: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}:${value}`).digest('base64url');
  }

  /** A token carrying `value` for `purpose`. */
  sign(purpose: string, value: string): string {
    return `${value}.${this.mac(purpose, value)}`;
  }

  /** The value of a token made for `purpose`, or null when it is not one of ours. Constant-time. */
  verify(purpose: string, token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const value = token.slice(0, dot);
    const expected = Buffer.from(this.mac(purpose, value));
    const given = Buffer.from(token.slice(dot + 1));
    return expected.length === given.length && timingSafeEqual(expected, given) ? value : null;
  }
}
