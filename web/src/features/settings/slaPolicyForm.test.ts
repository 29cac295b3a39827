import { describe, expect, it } from 'vitest';
import {
  createInput,
  defaultLadder,
  draftFromPolicy,
  durationToSeconds,
  escalationInput,
  ladderHasErrors,
  newPolicyDraft,
  newStep,
  secondsToDuration,
  updateInput,
  validateLadder,
  validatePolicy,
} from './slaPolicyForm';

describe('target durations (hours + minutes ↔ seconds)', () => {
  it.each([
    [{ hours: '', minutes: '' }, null],
    [{ hours: 4, minutes: '' }, 14_400],
    [{ hours: '', minutes: 30 }, 1_800],
    [{ hours: 1, minutes: 30 }, 5_400],
    [{ hours: 0, minutes: 0 }, 0],
    [{ hours: 8760, minutes: 0 }, 31_536_000],
    [{ hours: 0, minutes: 0.5 }, 30],
  ] as const)('%j → %s s', (d, seconds) => {
    expect(durationToSeconds(d)).toBe(seconds);
  });

  it.each([
    [null, { hours: '', minutes: '' }],
    [14_400, { hours: 4, minutes: 0 }],
    [5_400, { hours: 1, minutes: 30 }],
    [90_000, { hours: 25, minutes: 0 }],
    [90, { hours: 0, minutes: 1.5 }],
  ] as const)('%s s → %j', (seconds, d) => {
    expect(secondsToDuration(seconds)).toEqual(d);
  });

  it('round-trips whole minutes', () => {
    for (const s of [60, 3_600, 5_460, 86_400, 31_536_000]) expect(durationToSeconds(secondsToDuration(s))).toBe(s);
  });
});

describe('ladder validation', () => {
  it('accepts the default ladder and sends exactly one trigger per step', () => {
    const steps = defaultLadder();
    expect(ladderHasErrors(validateLadder(steps))).toBe(false);
    expect(escalationInput(steps)).toEqual([
      { atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] },
      { atPercent: 90, action: 'ALERT', notify: ['TEAM_LEAD'] },
      { atPercent: 100, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] },
      { afterBreachSeconds: 86_400, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] },
    ]);
  });

  it.each([
    ['an empty percentage', newStep({ atPercent: '', action: 'REMIND' }), 'atPercent'],
    ['0 %', newStep({ atPercent: 0, action: 'REMIND' }), 'atPercent'],
    ['1001 %', newStep({ atPercent: 1001, action: 'REMIND' }), 'atPercent'],
    ['a fractional percentage', newStep({ atPercent: 75.5, action: 'REMIND' }), 'atPercent'],
    ['an empty after-breach time', newStep({ trigger: 'afterBreach', action: 'ALERT' }), 'afterBreach'],
    ['more than 30 days after the breach', newStep({ trigger: 'afterBreach', afterBreach: { hours: 721, minutes: '' }, action: 'ALERT' }), 'afterBreach'],
    ['no action', newStep({ atPercent: 50, action: null }), 'action'],
  ] as const)('flags %s on that step', (_what, step, field) => {
    const errors = validateLadder([newStep({ atPercent: 10, action: 'REMIND' }), step]);
    expect(Object.keys(errors.steps)).toEqual(['1']);
    expect(errors.steps[1]?.[field]).toBeTruthy();
  });

  it('accepts 0 seconds after the breach and the edges 1 % / 1000 %', () => {
    const steps = [
      newStep({ trigger: 'afterBreach', afterBreach: { hours: 0, minutes: 0 }, action: 'ALERT' }),
      newStep({ atPercent: 1, action: 'REMIND' }),
      newStep({ atPercent: 1000, action: 'EXECUTIVE_ALERT' }),
    ];
    expect(validateLadder(steps)).toEqual({ steps: {} });
    expect(escalationInput(steps)[0]).toEqual({ afterBreachSeconds: 0, action: 'ALERT', notify: [] });
  });

  it('refuses a step that repeats an earlier trigger and action, not one with another action', () => {
    const errors = validateLadder([newStep({ atPercent: 90, action: 'ALERT' }), newStep({ atPercent: 90, action: 'REMIND' }), newStep({ atPercent: 90, action: 'ALERT' })]);
    expect(errors.steps).toEqual({ 2: { step: 'Repeats step 1 (same trigger and action).' } });
  });

  it('allows at most 20 steps', () => {
    const steps = Array.from({ length: 21 }, (_, i) => newStep({ atPercent: i + 1, action: 'REMIND' }));
    expect(validateLadder(steps).ladder).toBe('At most 20 steps.');
    expect(validateLadder(steps.slice(0, 20)).ladder).toBeUndefined();
  });
});

describe('policy inputs', () => {
  it('create: targets in seconds, empty targets and 24/7 left out', () => {
    const draft = {
      ...newPolicyDraft(),
      name: ' VIP ',
      rank: 5,
      firstResponse: { hours: 1, minutes: 30 },
      resolution: { hours: 48, minutes: '' as const },
      priorities: ['URGENT'],
      steps: [],
    };
    expect(createInput(draft)).toEqual({
      name: 'VIP',
      isActive: true,
      rank: 5,
      firstResponseSeconds: 5_400,
      resolutionSeconds: 172_800,
      conditions: { channelTypes: [], priorities: ['URGENT'], customerTiers: [], threadTypes: [], teamIds: [] },
      escalation: [],
    });
  });

  it('update: null clears a target and the calendar; an empty rank is left unchanged', () => {
    const draft = { ...newPolicyDraft(), name: 'Std', rank: '' as const, firstResponse: { hours: '' as const, minutes: 45 }, steps: [] };
    const input = updateInput('p1', draft);
    expect(input).toMatchObject({ policyId: 'p1', firstResponseSeconds: 2_700, nextResponseSeconds: null, resolutionSeconds: null, calendarId: null, escalation: [] });
    expect('rank' in input).toBe(false);
  });

  it('requires a name and at least one target in range', () => {
    expect(validatePolicy({ ...newPolicyDraft(), name: '', firstResponse: { hours: '', minutes: '' } })).toEqual({
      name: 'Name is required.',
      firstResponseSeconds: 'Set at least one target.',
    });
    expect(validatePolicy({ ...newPolicyDraft(), name: 'x', firstResponse: { hours: 0, minutes: 0 } }).firstResponseSeconds).toBeTruthy();
    expect(validatePolicy({ ...newPolicyDraft(), name: 'x', resolution: { hours: 8761, minutes: '' } }).resolutionSeconds).toBeTruthy();
    expect(validatePolicy({ ...newPolicyDraft(), name: 'x' })).toEqual({});
  });

  it('edits a stored policy as hours and minutes and steps with one trigger', () => {
    const draft = draftFromPolicy({
      name: 'Gold',
      isActive: false,
      rank: 3,
      calendar: { id: 'cal1' },
      firstResponseSeconds: 5_400,
      nextResponseSeconds: null,
      resolutionSeconds: 86_400,
      conditions: { channelTypes: ['SMS'], priorities: [], customerTiers: ['PREMIUM'], threadTypes: [], teamIds: ['t1'] },
      escalation: [
        { atPercent: 80, afterBreachSeconds: null, action: 'ALERT', notify: ['TEAM_LEAD'] },
        { atPercent: null, afterBreachSeconds: 3_600, action: 'ESCALATE', notify: [] },
      ],
    });
    expect(draft).toMatchObject({ calendarId: 'cal1', firstResponse: { hours: 1, minutes: 30 }, nextResponse: { hours: '', minutes: '' }, resolution: { hours: 24, minutes: 0 } });
    expect(escalationInput(draft.steps)).toEqual([
      { atPercent: 80, action: 'ALERT', notify: ['TEAM_LEAD'] },
      { afterBreachSeconds: 3_600, action: 'ESCALATE', notify: [] },
    ]);
  });
});
