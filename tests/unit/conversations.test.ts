import { describe, expect, it } from 'vitest';
import { scamSignals } from '../../src/domain/conversations.ts';
import { Signer } from '../../src/platform/signed-token.ts';

const old = new Date(Date.now() - 90 * 86_400_000);
const fresh = new Date();
const signals = (body: string, opts: { firstMessage?: boolean; senderCreatedAt?: Date } = {}) =>
  scamSignals(body, {
    firstMessage: opts.firstMessage ?? false,
    senderCreatedAt: opts.senderCreatedAt ?? old,
  });

describe('scam signals', () => {
  it('finds nothing in ordinary messages about shopping, rides and money for groceries', () => {
    for (const body of [
      'Bonjour, je peux faire vos courses samedi matin au marché.',
      'Je vous rembourse les 20 € de courses en liquide quand vous passez.',
      'On se retrouve devant la mairie à 10 h ?',
      'Mon code postal est 48000, j’habite près de la gare.',
      'Merci beaucoup, à bientôt !',
    ])
      expect(signals(body), body).toEqual([]);
  });

  it('finds an IBAN, with or without spaces', () => {
    expect(signals('Mon IBAN : FR76 3000 6000 0112 3456 7890 189')).toContain('iban');
    expect(signals('FR7630006000011234567890189 merci')).toContain('iban');
    expect(signals('Voici mon RIB 30006000011234567890189')).toContain('iban');
  });

  it('finds requests for money, whatever the accents and case', () => {
    for (const body of [
      'Faites un VIREMENT avant que je passe',
      'Il faut payer d’avance les frais de dossier',
      'Achetez un coupon PCS de 100 euros',
      'Envoyez-moi une carte cadeau',
      'Par Western Union c’est plus simple',
      'Un mandat cash suffira',
    ])
      expect(signals(body), body).toContain('money');
  });

  it('finds requests for codes and card numbers', () => {
    for (const body of [
      'Donnez-moi le code reçu par SMS',
      'Il me faut le cryptogramme au dos',
      'Envoyez le numéro de votre carte',
      'Quel est le code de votre carte ?',
    ])
      expect(signals(body), body).toContain('code');
  });

  it('finds links', () => {
    expect(signals('Inscrivez-vous sur https://exemple.com/aide')).toContain('link');
    expect(signals('Allez sur www.arnaque-aide.fr')).toContain('link');
    expect(signals('Voir aide-solidaire.xyz pour payer')).toContain('link');
  });

  it('counts a phone number only in the first message of a new account', () => {
    const body = 'Appelez-moi au 06 12 34 56 78';
    expect(signals(body, { firstMessage: true, senderCreatedAt: fresh })).toEqual(['phone']);
    expect(signals(body, { firstMessage: false, senderCreatedAt: fresh })).toEqual([]);
    expect(signals(body, { firstMessage: true, senderCreatedAt: old })).toEqual([]);
    expect(signals('Mon numéro : +33 6 12 34 56 78', { firstMessage: true, senderCreatedAt: fresh })).toEqual(
      ['phone'],
    );
  });
});

describe('signed tokens', () => {
  const signer = new Signer('a-secret-that-is-long-enough-for-tests-000');

  it('gives the value back for its purpose only', () => {
    const token = signer.sign('unsubscribe', 'account-1');
    expect(signer.verify('unsubscribe', token)).toBe('account-1');
    expect(signer.verify('other-purpose', token)).toBeNull();
  });

  it('refuses a changed value, a changed signature, another secret and garbage', () => {
    const token = signer.sign('unsubscribe', 'account-1');
    const [, mac] = token.split('.');
    expect(signer.verify('unsubscribe', `account-2.${mac}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${token.slice(0, -1)}A`)).toBeNull();
    expect(new Signer('another-secret-that-is-long-enough-000000').verify('unsubscribe', token)).toBeNull();
    for (const garbage of ['', '.', 'abc', `${'a'.repeat(300)}.b`, null, 42, undefined])
      expect(signer.verify('unsubscribe', garbage)).toBeNull();
  });
});
