import type { CreateSlaPolicyInput, SlaAction, SlaEscalationStepInput, SlaNotifyTarget, UpdateSlaPolicyInput } from '../../gql/graphql';
import { i18n } from '../../i18n';

/**
 * Pure logic of the SLA policy form: targets typed as hours + minutes and sent as seconds,
 * the escalation ladder (exactly one trigger per step), and the create/update inputs.
 */

export const MAX_TARGET_SECONDS = 31_536_000;
export const MAX_AFTER_BREACH_SECONDS = 2_592_000;
export const MAX_AT_PERCENT = 1000;
export const MAX_STEPS = 20;

type Num = number | '';

/** A duration as typed: hours and minutes, each possibly empty. */
export interface DurationDraft {
  hours: Num;
  minutes: Num;
}

export const EMPTY_DURATION: DurationDraft = { hours: '', minutes: '' };

const num = (v: Num | string | null | undefined): number | null => {
  if (v === '' || v == null) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : Number.NaN;
};

/** Hours + minutes → whole seconds; null when both are empty (no such target); NaN when not a number. */
export function durationToSeconds(d: DurationDraft): number | null {
  const h = num(d.hours);
  const m = num(d.minutes);
  if (h === null && m === null) return null;
  if (Number.isNaN(h) || Number.isNaN(m)) return Number.NaN;
  return Math.round((h ?? 0) * 3600 + (m ?? 0) * 60);
}

/** Seconds → hours + minutes (minutes may carry a fraction for seconds that are not whole minutes); null → empty. */
export function secondsToDuration(seconds: number | null | undefined): DurationDraft {
  if (seconds == null) return { ...EMPTY_DURATION };
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round(((seconds % 3600) / 60) * 100) / 100;
  return { hours, minutes };
}

export type TriggerKind = 'percent' | 'afterBreach';

export interface StepDraft {
  key: string;
  trigger: TriggerKind;
  atPercent: Num;
  afterBreach: DurationDraft;
  action: SlaAction | null;
  notify: SlaNotifyTarget[];
}

export interface PolicyDraft {
  name: string;
  isActive: boolean;
  rank: Num;
  calendarId: string | null;
  firstResponse: DurationDraft;
  nextResponse: DurationDraft;
  resolution: DurationDraft;
  channelTypes: string[];
  priorities: string[];
  customerTiers: string[];
  threadTypes: string[];
  teamIds: string[];
  steps: StepDraft[];
}

let seq = 0;
export const stepKey = () => `s${++seq}`;

export function newStep(partial: Partial<Omit<StepDraft, 'key'>> = {}): StepDraft {
  return { key: stepKey(), trigger: 'percent', atPercent: '', afterBreach: { ...EMPTY_DURATION }, action: null, notify: [], ...partial };
}

/** The API's default ladder, as the starting point of a new policy. */
export function defaultLadder(): StepDraft[] {
  return [
    newStep({ atPercent: 75, action: 'REMIND', notify: ['ASSIGNEE'] }),
    newStep({ atPercent: 90, action: 'ALERT', notify: ['TEAM_LEAD'] }),
    newStep({ atPercent: 100, action: 'ESCALATE', notify: ['TEAM_LEAD', 'MANAGERS'] }),
    newStep({ trigger: 'afterBreach', afterBreach: { hours: 24, minutes: '' }, action: 'EXECUTIVE_ALERT', notify: ['ADMINS'] }),
  ];
}

export function newPolicyDraft(): PolicyDraft {
  return {
    name: '',
    isActive: true,
    rank: 100,
    calendarId: null,
    firstResponse: { hours: 4, minutes: '' },
    nextResponse: { ...EMPTY_DURATION },
    resolution: { ...EMPTY_DURATION },
    channelTypes: [],
    priorities: [],
    customerTiers: [],
    threadTypes: [],
    teamIds: [],
    steps: defaultLadder(),
  };
}

export interface PolicyLike {
  name: string;
  isActive: boolean;
  rank: number;
  calendar?: { id: string } | null;
  firstResponseSeconds?: number | null;
  nextResponseSeconds?: number | null;
  resolutionSeconds?: number | null;
  conditions: { channelTypes: readonly string[]; priorities: readonly string[]; customerTiers: readonly string[]; threadTypes: readonly string[]; teamIds: readonly string[] };
  escalation: readonly { atPercent?: number | null; afterBreachSeconds?: number | null; action: SlaAction; notify: readonly SlaNotifyTarget[] }[];
}

export function draftFromPolicy(p: PolicyLike): PolicyDraft {
  return {
    name: p.name,
    isActive: p.isActive,
    rank: p.rank,
    calendarId: p.calendar?.id ?? null,
    firstResponse: secondsToDuration(p.firstResponseSeconds),
    nextResponse: secondsToDuration(p.nextResponseSeconds),
    resolution: secondsToDuration(p.resolutionSeconds),
    channelTypes: [...p.conditions.channelTypes],
    priorities: [...p.conditions.priorities],
    customerTiers: [...p.conditions.customerTiers],
    threadTypes: [...p.conditions.threadTypes],
    teamIds: [...p.conditions.teamIds],
    steps: p.escalation.map((s) =>
      s.atPercent != null
        ? newStep({ trigger: 'percent', atPercent: s.atPercent, action: s.action, notify: [...s.notify] })
        : newStep({ trigger: 'afterBreach', afterBreach: secondsToDuration(s.afterBreachSeconds ?? 0), action: s.action, notify: [...s.notify] }),
    ),
  };
}

export type StepField = 'atPercent' | 'afterBreach' | 'action' | 'step';
/** Errors of the ladder: per step index and field, plus `ladder` for the list as a whole. */
export interface LadderErrors {
  steps: Record<number, Partial<Record<StepField, string>>>;
  ladder?: string;
}

/**
 * The ladder rules of the API, checked before sending: at most 20 steps; each step exactly one
 * trigger (atPercent a whole number 1–1000, or afterBreach 0–30 days) and an action; no two
 * steps with the same trigger and action.
 */
export function validateLadder(steps: readonly StepDraft[]): LadderErrors {
  const errors: LadderErrors = { steps: {} };
  const put = (i: number, field: StepField, message: string) => {
    (errors.steps[i] ??= {})[field] ??= message;
  };
  if (steps.length > MAX_STEPS) errors.ladder = i18n.t('settings.slaForm.maxSteps', { max: MAX_STEPS });
  const seen = new Map<string, number>();
  steps.forEach((s, i) => {
    let trigger: string | null = null;
    if (s.trigger === 'percent') {
      const p = num(s.atPercent);
      if (p === null) put(i, 'atPercent', i18n.t('settings.slaForm.enterPercent'));
      else if (Number.isNaN(p) || !Number.isInteger(p) || p < 1 || p > MAX_AT_PERCENT) put(i, 'atPercent', `A whole number from 1 to ${MAX_AT_PERCENT}.`);
      else trigger = `p${p}`;
    } else {
      const secs = durationToSeconds(s.afterBreach);
      if (secs === null) put(i, 'afterBreach', i18n.t('settings.slaForm.enterAfter'));
      else if (Number.isNaN(secs) || secs < 0 || secs > MAX_AFTER_BREACH_SECONDS) put(i, 'afterBreach', i18n.t('settings.slaForm.afterRange'));
      else trigger = `b${secs}`;
    }
    if (!s.action) put(i, 'action', i18n.t('settings.slaForm.pickAction'));
    if (trigger && s.action) {
      const key = `${trigger}:${s.action}`;
      const first = seen.get(key);
      if (first !== undefined) put(i, 'step', i18n.t('settings.slaForm.repeats', { n: first + 1 }));
      else seen.set(key, i);
    }
  });
  return errors;
}

export function ladderHasErrors(e: LadderErrors): boolean {
  return !!e.ladder || Object.keys(e.steps).length > 0;
}

/** Steps as the API wants them: exactly one of atPercent / afterBreachSeconds. Call after validateLadder. */
export function escalationInput(steps: readonly StepDraft[]): SlaEscalationStepInput[] {
  return steps.map((s) =>
    s.trigger === 'percent'
      ? { atPercent: Number(s.atPercent), action: s.action!, notify: [...s.notify] }
      : { afterBreachSeconds: durationToSeconds(s.afterBreach)!, action: s.action!, notify: [...s.notify] },
  );
}

export type TargetKey = 'firstResponse' | 'nextResponse' | 'resolution';
export const TARGETS: { key: TargetKey; field: 'firstResponseSeconds' | 'nextResponseSeconds' | 'resolutionSeconds'; label: string }[] = [
  { key: 'firstResponse', field: 'firstResponseSeconds', label: 'First response' },
  { key: 'nextResponse', field: 'nextResponseSeconds', label: 'Next response' },
  { key: 'resolution', field: 'resolutionSeconds', label: 'Resolution' },
];

/** Errors of the fields outside the ladder, keyed by input field ("name", "firstResponseSeconds", "rank"). */
export function validatePolicy(d: PolicyDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!d.name.trim()) errors.name = i18n.t('settings.common.nameRequired');
  else if (d.name.trim().length > 100) errors.name = i18n.t('settings.common.max100');
  const rank = num(d.rank);
  if (rank !== null && (Number.isNaN(rank) || !Number.isInteger(rank) || rank < 0 || rank > 10_000)) errors.rank = 'A whole number from 0 to 10,000.';
  let targets = 0;
  for (const t of TARGETS) {
    const secs = durationToSeconds(d[t.key]);
    if (secs === null) continue;
    targets++;
    if (Number.isNaN(secs) || secs < 1 || secs > MAX_TARGET_SECONDS) errors[t.field] = i18n.t('settings.slaForm.targetRange');
  }
  if (targets === 0) errors.firstResponseSeconds = i18n.t('settings.slaForm.atLeastOne');
  return errors;
}

const conditionsOf = (d: PolicyDraft) =>
  ({
    channelTypes: d.channelTypes,
    priorities: d.priorities,
    customerTiers: d.customerTiers,
    threadTypes: d.threadTypes,
    teamIds: d.teamIds,
  }) as CreateSlaPolicyInput['conditions'];

/** createSlaPolicy input: empty targets and 24/7 (no calendar) are left out. */
export function createInput(d: PolicyDraft): CreateSlaPolicyInput {
  const input: CreateSlaPolicyInput = {
    name: d.name.trim(),
    isActive: d.isActive,
    conditions: conditionsOf(d),
    escalation: escalationInput(d.steps),
  };
  const rank = num(d.rank);
  if (rank !== null) input.rank = rank;
  if (d.calendarId) input.calendarId = d.calendarId;
  for (const t of TARGETS) {
    const secs = durationToSeconds(d[t.key]);
    if (secs !== null) input[t.field] = secs;
  }
  return input;
}

/** updateSlaPolicy input: every field sent (rank only when given); null clears a target or the calendar (24/7). */
export function updateInput(policyId: string, d: PolicyDraft): UpdateSlaPolicyInput {
  const rank = num(d.rank);
  return {
    policyId,
    name: d.name.trim(),
    isActive: d.isActive,
    // null would mean "unchanged": an emptied rank box keeps the stored rank.
    ...(rank !== null ? { rank } : {}),
    calendarId: d.calendarId,
    conditions: conditionsOf(d),
    escalation: escalationInput(d.steps),
    firstResponseSeconds: durationToSeconds(d.firstResponse),
    nextResponseSeconds: durationToSeconds(d.nextResponse),
    resolutionSeconds: durationToSeconds(d.resolution),
  };
}
