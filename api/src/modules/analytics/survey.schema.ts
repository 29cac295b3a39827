/**
 * The satisfaction survey in GraphQL: a thread's rating (`Thread.csat`) and
 * the organization's survey settings (ADMIN). The survey itself is sent by
 * the job queue and answered on the hub's own page (survey.ts, http/survey.ts).
 */
import { builder } from '../../schema/builder.js';
import { payloadType, runMutation } from '../../schema/common.js';
import { can } from '../auth/permissions.js';
import { SURVEY_COMMENT_MAX, SURVEY_QUESTION_MAX, SURVEY_SCALES, organizationSurveySettings, updateSurveySettings, type SurveySettings } from './survey.js';

const SurveyScaleEnum = builder.enumType('SurveyScale', {
  values: SURVEY_SCALES,
  description: 'CSAT: "how satisfied are you", 1 to 5; NPS: "how likely are you to recommend us", 0 to 10.',
});

interface ThreadCsat {
  score: number;
  comment: string | null;
  ratedAt: Date;
}

const ThreadCsatRef = builder.objectRef<ThreadCsat>('ThreadCsat').implement({
  description: "The customer's answer to the satisfaction survey.",
  fields: (t) => ({
    score: t.exposeInt('score', { description: 'CSAT 1–5, or NPS 0–10 when the organization asks the NPS question.' }),
    comment: t.exposeString('comment', { nullable: true, description: `The customer's comment (at most ${SURVEY_COMMENT_MAX} characters).` }),
    ratedAt: t.field({ type: 'DateTime', description: 'When the (latest) answer arrived: the customer may change it while the link is valid.', resolve: (c) => c.ratedAt }),
  }),
});

builder.prismaObjectField('Thread', 'csat', (t) =>
  t.field({
    type: ThreadCsatRef,
    nullable: true,
    description: 'The satisfaction rating the customer gave through the survey link; null when none arrived.',
    select: { csatScore: true, csatComment: true, csatAt: true },
    resolve: (th) => (th.csatScore === null ? null : { score: th.csatScore, comment: th.csatComment, ratedAt: th.csatAt ?? new Date(0) }),
  }),
);

const SurveyQuestionRef = builder.objectRef<SurveySettings['question']>('SurveyQuestion').implement({
  description: 'The question per language; null: the built-in question of the scale.',
  fields: (t) => ({
    nl: t.string({ nullable: true, resolve: (q) => q.nl ?? null }),
    en: t.string({ nullable: true, resolve: (q) => q.en ?? null }),
    it: t.string({ nullable: true, resolve: (q) => q.it ?? null }),
  }),
});

const SurveySettingsRef = builder.objectRef<SurveySettings>('SurveySettings').implement({
  description:
    "The organization's satisfaction survey: after a thread is resolved, one question goes to the customer on the thread's channel (in the customer's language, else the organization's locale: nl, en or it) with a signed link to a page served by the hub (/survey/<token>, no login).",
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled', { description: 'Whether resolved threads get the survey (off by default).' }),
    scale: t.field({ type: SurveyScaleEnum, resolve: (s) => s.scale }),
    question: t.field({ type: SurveyQuestionRef, description: 'Overrides of the built-in question, per language (for the current scale).', resolve: (s) => s.question }),
    delayMinutes: t.exposeInt('delayMinutes', { description: 'Minutes between the resolution and the survey (0 to 1440).' }),
    linkTtlDays: t.exposeInt('linkTtlDays', { description: 'Days the link stays valid, and the rating may be changed (1 to 60).' }),
  }),
});

const SurveySettingsPayload = payloadType('SurveySettingsPayload', 'surveySettings', SurveySettingsRef);

const SurveyQuestionInputRef = builder.inputType('SurveyQuestionInput', {
  description: `Only the languages given change; null or an empty string goes back to the built-in question. At most ${SURVEY_QUESTION_MAX} characters.`,
  fields: (t) => ({ nl: t.string(), en: t.string(), it: t.string() }),
});

const UpdateSurveySettingsInputRef = builder.inputType('UpdateSurveySettingsInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({
    enabled: t.boolean(),
    scale: t.field({ type: SurveyScaleEnum }),
    question: t.field({ type: SurveyQuestionInputRef }),
    delayMinutes: t.int({ description: '0 to 1440.' }),
    linkTtlDays: t.int({ description: '1 to 60.' }),
  }),
});

builder.queryField('organizationSurveySettings', (t) =>
  t.field({
    type: SurveySettingsRef,
    authScopes: can('organizationSurveySettings'),
    description: "The viewer's organization's satisfaction survey settings (ADMIN).",
    resolve: (_r, _a, ctx) => organizationSurveySettings(ctx),
  }),
);

builder.mutationField('updateSurveySettings', (t) =>
  t.field({
    type: SurveySettingsPayload,
    authScopes: can('updateSurveySettings'),
    description: "Changes the organization's satisfaction survey settings (ADMIN; audited as organization.update). Errors: VALIDATION_FAILED.",
    args: { input: t.arg({ type: UpdateSurveySettingsInputRef, required: true }) },
    resolve: (_r, { input }, ctx) => runMutation(() => updateSurveySettings(ctx, input)),
  }),
);
