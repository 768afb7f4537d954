import { describe, expect, it } from 'vitest';
import {
  caseActions,
  caseStatus,
  discreetName,
  fullName,
  shortDuration,
  staffDistance,
} from '../../src/domain/cases.ts';
import { parisTime, parisWeekday } from '../../src/modules/cases/service.ts';

const none = {
  qualifiedAt: null,
  routedAt: null,
  acceptedAt: null,
  startedAt: null,
  doneAt: null,
  cancelledAt: null,
  unreachableAt: null,
};
const at = new Date('2026-03-01T10:00:00Z');

describe('case status', () => {
  it('is read from the timestamps, the last step reached winning and closings over all', () => {
    expect(caseStatus(none)).toBe('new');
    expect(caseStatus({ ...none, qualifiedAt: at })).toBe('qualified');
    expect(caseStatus({ ...none, qualifiedAt: at, routedAt: at })).toBe('routed');
    expect(caseStatus({ ...none, routedAt: at, acceptedAt: at })).toBe('accepted');
    expect(caseStatus({ ...none, acceptedAt: at, startedAt: at })).toBe('in_progress');
    expect(caseStatus({ ...none, startedAt: at, doneAt: at })).toBe('done');
    expect(caseStatus({ ...none, routedAt: at, cancelledAt: at })).toBe('cancelled');
    expect(caseStatus({ ...none, unreachableAt: at })).toBe('unreachable');
    // Escalation clears routed_at: the case is back to « à orienter ».
    expect(caseStatus({ ...none, qualifiedAt: at, routedAt: null })).toBe('qualified');
  });

  it('offers no step on a closed case', () => {
    expect(caseActions('done')).toEqual([]);
    expect(caseActions('new')).toContain('qualify');
    expect(caseActions('accepted')).toEqual(['start', 'close']);
  });
});

describe('names', () => {
  it('shows assignees a civility and a first name or an initial, never the whole name', () => {
    expect(discreetName({ civility: 'mme', firstName: 'Jeanne', lastName: 'Martin' })).toBe('Mme Jeanne');
    expect(discreetName({ civility: 'mme', firstName: null, lastName: 'martin' })).toBe('Mme M.');
    expect(discreetName({ civility: null, firstName: '', lastName: null })).toBe('—');
    expect(fullName({ civility: 'm', firstName: 'René', lastName: 'Boyer' })).toBe('M. René Boyer');
  });
});

describe('times and distances', () => {
  it('reads a day and time in Paris, summer and winter', () => {
    expect(parisTime('2026-01-15', '09:00')!.toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(parisTime('2026-07-15', '09:00')!.toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(parisTime('2026-02-30', '09:00')).toBeNull();
  });

  it('names the weekday as volunteer profiles do', () => {
    expect(parisWeekday(new Date('2026-03-02T12:00:00Z'))).toBe('lundi');
    expect(parisWeekday(new Date('2026-03-08T23:30:00Z'))).toBe('lundi'); // Monday 00:30 in Paris
  });

  it('says durations and distances in plain French', () => {
    expect(shortDuration(45 * 60_000)).toBe('45 min');
    expect(shortDuration(4 * 3_600_000)).toBe('4 h');
    expect(shortDuration(3 * 86_400_000)).toBe('3 j');
    expect(staffDistance(0.42)).toBe('400 m');
    expect(staffDistance(2.34)).toBe('2,3 km');
    expect(staffDistance(14.6)).toBe('15 km');
  });
});
