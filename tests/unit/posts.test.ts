import { describe, expect, it } from 'vitest';
import { allowedActions, dailyPostQuota, postStatus, publicName } from '../../src/domain/posts.ts';

const now = new Date('2026-11-22T12:00:00Z');
const base = {
  expiresAt: new Date('2026-12-01T00:00:00Z'),
  fulfilledAt: null,
  withdrawnAt: null,
  hiddenAt: null,
};

describe('post lifecycle', () => {
  it('derives the status from timestamps, moderation first', () => {
    expect(postStatus(base, now)).toBe('open');
    expect(postStatus({ ...base, expiresAt: new Date('2026-11-01') }, now)).toBe('expired');
    expect(postStatus({ ...base, fulfilledAt: now }, now)).toBe('fulfilled');
    expect(postStatus({ ...base, withdrawnAt: now, fulfilledAt: now }, now)).toBe('withdrawn');
    expect(postStatus({ ...base, hiddenAt: now, withdrawnAt: now }, now)).toBe('hidden');
  });

  it('lets the author act only on open or expired posts', () => {
    expect(allowedActions('open')).toEqual(['edit', 'renew', 'fulfil', 'withdraw']);
    expect(allowedActions('expired')).not.toContain('edit');
    expect(allowedActions('fulfilled')).toEqual([]);
    expect(allowedActions('hidden')).toEqual([]);
  });

  it('gives new accounts a lower daily quota', () => {
    expect(dailyPostQuota(new Date('2026-11-20'), now)).toBe(3);
    expect(dailyPostQuota(new Date('2026-10-01'), now)).toBe(10);
  });

  it('shows first name and initial only', () => {
    expect(publicName('Jeanne Martin')).toBe('Jeanne M.');
    expect(publicName('Jean-Pierre de la Tour')).toBe('Jean-Pierre de la T.');
    expect(publicName('Jeanne M.')).toBe('Jeanne M.');
    expect(publicName('Lucie')).toBe('Lucie');
    expect(publicName('Claire A. (admin)')).toBe('Claire A. (admin)');
  });
});
