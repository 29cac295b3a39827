/**
 * Customer satisfaction survey (issue 9 §4): after a thread is resolved, one
 * question goes to the customer on the thread's channel with a signed link to
 * a small page served by the hub itself (`/survey/<token>`, http/survey.ts);
 * the rating lands on the thread (`csatScore`, `csatComment`, `csatAt`), in
 * the analytics (a CSAT reporting event) and in a CSAT_RECEIVED notification
 * for the assignee.
 *
 * Settings: `Organization.surveySettings` ({@link SurveySettings}), off by
 * default. Scales:
 * - CSAT: "how satisfied are you", 1–5; the CSAT event has value = score and
 *   met = score ≥ 4 (satisfied).
 * - NPS: "how likely are you to recommend us", 0–10; the CSAT event has
 *   value = the 0–10 score and met = score ≥ 9 (a promoter). Detractors
 *   (0–6) are not flagged on the event: NPS = promoters % − detractors %
 *   needs the values, which the event keeps.
 *
 * Flow:
 * 1. {@link planSurvey} runs in the transaction of every status change
 *    (thread.service.ts `updateThread`, `applyProviderThreadStatus`): when
 *    surveys are on and the thread has just become RESOLVED (resolvedAt
 *    within the last hour, no rating yet, no survey sent yet, the channel can
 *    send to the customer), it enqueues `survey.send` at resolvedAt +
 *    delayMinutes with the singleton key `survey:<threadId>`. CLOSED (closed
 *    without being resolved, e.g. spam) plans nothing.
 * 2. The `survey.send` job ({@link runSurveySendJob}) checks again (still
 *    resolved, no rating, not sent, channel can send, not opted out, reply
 *    window open) and writes the survey as an AUTO_RESPONSE message (a bot
 *    message: never an agent reply in reporting nor a response in the SLA),
 *    PENDING, with the audit row `thread.sendSurvey` and, in the same
 *    transaction, its `outbox.deliver` job (due at once). The outbox
 *    (message.service.ts `deliverMessage`) sends it like a reply: attempts
 *    recorded as MessageDelivery rows, retries with backoff or after the
 *    provider's Retry-After, an opt-out answer marks the customer opted out,
 *    and after the last attempt the message is FAILED (`message.fail`); but
 *    without a reply's response effects on the thread. One survey per
 *    thread, ever: resolving the thread again (after a reopen) sends nothing
 *    more.
 * 3. The link: `PUBLIC_URL/survey/<token>`, the token an HS256 JWT (jose)
 *    with audience `survey`, claims { org, thread, scale }, expiring after
 *    linkTtlDays, signed with a key derived from APP_SECRET_KEY
 *    (HKDF, salt "hub-survey-links"), never the raw secret.
 * 4. {@link submitSurveyRating} (POST of the page) stores the rating.
 *    Update policy (as Chatwoot): the customer may change their rating while
 *    the link is valid; the newest answer wins. Reporting does not count
 *    twice: the old CSAT event is retracted (rollups follow) before the new
 *    one is recorded. The same answer again changes nothing. Every change
 *    writes `thread.rate` (scores and whether there is a comment, never the
 *    comment itself: it may hold personal data) and notifies the assignee
 *    (nobody when unassigned).
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Channel, Customer, CustomerIdentity, Message, Notification, Prisma, Thread } from '../../generated/prisma/client.js';
import { adapterFor } from '../../channels/registry.js';
import type { Config } from '../../config.js';
import type { Tx } from '../../db/tenant.js';
import { JOB } from '../../jobs/names.js';
import type { AppDeps } from '../../shared/app.js';
import { systemContext, type HubContext } from '../../shared/context.js';
import { deriveKey } from '../../shared/crypto.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { writeAudit } from '../audit/audit.service.js';
import { enqueueDelivery } from '../message/message.service.js';
import { notify, publishNotifications } from '../notification/notification.service.js';
import { dimsOf, recordReportingEvents } from './report.js';

// ---------------------------------------------------------------- settings

export const SURVEY_LANGUAGES = ['nl', 'en', 'it'] as const;
export type SurveyLanguage = (typeof SURVEY_LANGUAGES)[number];
export const SURVEY_SCALES = ['CSAT', 'NPS'] as const;
export type SurveyScale = (typeof SURVEY_SCALES)[number];

/** Longest question override, in characters. */
export const SURVEY_QUESTION_MAX = 300;
/** Longest comment, in characters. */
export const SURVEY_COMMENT_MAX = 2000;

const questionText = z.string().trim().min(1, 'The question is empty.').max(SURVEY_QUESTION_MAX, `At most ${SURVEY_QUESTION_MAX} characters.`);

/** `Organization.surveySettings`. Missing keys take their defaults (an empty object: surveys off). */
export const SurveySettings = z.object({
  enabled: z.boolean().default(false),
  /** CSAT: satisfaction 1–5; NPS: likelihood to recommend 0–10. */
  scale: z.enum(SURVEY_SCALES).default('CSAT'),
  /** The question per language, replacing the built-in one. */
  question: z.object({ nl: questionText.optional(), en: questionText.optional(), it: questionText.optional() }).default({}),
  /** Minutes between the resolution and the survey. */
  delayMinutes: z.number().int('Whole minutes.').min(0, 'At least 0 minutes.').max(1440, 'At most 1440 minutes (24 hours).').default(0),
  /** Days the link stays valid (the rating may be changed until then). */
  linkTtlDays: z.number().int('Whole days.').min(1, 'At least 1 day.').max(60, 'At most 60 days.').default(14),
});
export type SurveySettings = z.output<typeof SurveySettings>;

/** The stored settings with defaults filled in; unreadable settings count as surveys off. */
export function surveySettingsOf(raw: unknown): SurveySettings {
  const parsed = SurveySettings.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {});
  return parsed.success ? parsed.data : SurveySettings.parse({});
}

/** Scores of a scale. */
export function scaleRange(scale: SurveyScale): { min: number; max: number } {
  return scale === 'NPS' ? { min: 0, max: 10 } : { min: 1, max: 5 };
}

/** Whether a score counts as a good one: CSAT 4–5 (satisfied), NPS 9–10 (promoter). */
export function scoreMet(scale: SurveyScale, score: number): boolean {
  return scale === 'NPS' ? score >= 9 : score >= 4;
}

// ---------------------------------------------------------------- texts

/** Texts of the survey message and page per language. */
export const SURVEY_TEXTS = {
  nl: {
    question: { CSAT: 'Hoe tevreden bent u over onze hulp?', NPS: "Hoe waarschijnlijk is het dat u ons aanbeveelt aan vrienden of collega's?" },
    message: (q: string, url: string) => `Bedankt voor uw contact met ons. ${q} Laat het ons weten via deze link: ${url}`,
    subject: 'Hoe hebben wij u geholpen?',
    title: 'Uw mening',
    low: { CSAT: 'zeer ontevreden', NPS: 'zeer onwaarschijnlijk' },
    high: { CSAT: 'zeer tevreden', NPS: 'zeer waarschijnlijk' },
    comment: 'Toelichting (niet verplicht)',
    submit: 'Versturen',
    current: 'U heeft al een beoordeling gegeven. U kunt die wijzigen zolang deze link geldig is.',
    thanks: 'Bedankt voor uw beoordeling!',
    thanksBody: 'Uw antwoord is ontvangen. U kunt het via dezelfde link nog wijzigen zolang die geldig is.',
    invalid: 'Deze link is ongeldig of verlopen.',
    errorScore: 'Kies een score.',
    errorComment: `De toelichting mag hoogstens ${SURVEY_COMMENT_MAX} tekens lang zijn.`,
    tooLarge: 'Uw antwoord is te lang.',
  },
  en: {
    question: { CSAT: 'How satisfied are you with the help you received?', NPS: 'How likely are you to recommend us to a friend or colleague?' },
    message: (q: string, url: string) => `Thank you for contacting us. ${q} Let us know here: ${url}`,
    subject: 'How did we do?',
    title: 'Your opinion',
    low: { CSAT: 'very dissatisfied', NPS: 'not at all likely' },
    high: { CSAT: 'very satisfied', NPS: 'extremely likely' },
    comment: 'Comment (optional)',
    submit: 'Send',
    current: 'You have rated us already. You can change your rating while this link is valid.',
    thanks: 'Thank you for your rating!',
    thanksBody: 'We received your answer. You can still change it with the same link while it is valid.',
    invalid: 'This link is invalid or has expired.',
    errorScore: 'Choose a score.',
    errorComment: `The comment may be at most ${SURVEY_COMMENT_MAX} characters long.`,
    tooLarge: 'Your answer is too long.',
  },
  it: {
    question: { CSAT: "Quanto è soddisfatto dell'assistenza ricevuta?", NPS: 'Quanto è probabile che ci consigli a un amico o a un collega?' },
    message: (q: string, url: string) => `Grazie per averci contattato. ${q} Ci dica la sua opinione qui: ${url}`,
    subject: 'Come è andata?',
    title: 'La sua opinione',
    low: { CSAT: 'per niente soddisfatto', NPS: 'per niente probabile' },
    high: { CSAT: 'molto soddisfatto', NPS: 'estremamente probabile' },
    comment: 'Commento (facoltativo)',
    submit: 'Invia',
    current: 'Ha già dato una valutazione. Può modificarla finché questo link è valido.',
    thanks: 'Grazie per la sua valutazione!',
    thanksBody: 'Abbiamo ricevuto la sua risposta. Può ancora modificarla con lo stesso link finché è valido.',
    invalid: 'Questo link non è valido o è scaduto.',
    errorScore: 'Scelga un punteggio.',
    errorComment: `Il commento può contenere al massimo ${SURVEY_COMMENT_MAX} caratteri.`,
    tooLarge: 'La risposta è troppo lunga.',
  },
} as const satisfies Record<SurveyLanguage, unknown>;

const asLanguage = (tag: string | null | undefined): SurveyLanguage | null => {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (SURVEY_LANGUAGES as readonly string[]).includes(primary) ? (primary as SurveyLanguage) : null;
};

/** The customer's language (Customer.language) when the hub has texts for it, else the organization's locale, else English. */
export function surveyLanguage(customerLanguage: string | null | undefined, organizationLocale: string | null | undefined): SurveyLanguage {
  return asLanguage(customerLanguage) ?? asLanguage(organizationLocale) ?? 'en';
}

/** The question shown: the organization's override for the language (when configured for this scale), else the built-in one. */
export function surveyQuestion(settings: SurveySettings, scale: SurveyScale, lang: SurveyLanguage): string {
  const override = settings.scale === scale ? settings.question[lang] : undefined;
  return override ?? SURVEY_TEXTS[lang].question[scale];
}

// ---------------------------------------------------------------- signed links

/** JWT audience of survey links (a session token never verifies here, nor a survey token as a session). */
export const SURVEY_AUDIENCE = 'survey';
/** Route of the survey page. */
export const SURVEY_ROUTE = '/survey/:token';

export interface SurveyClaims {
  organizationId: string;
  threadId: string;
  scale: SurveyScale;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const keys = new WeakMap<Config, Uint8Array>();

/** The HS256 key of survey links, derived from APP_SECRET_KEY (cached per config object). */
function surveyKey(config: Config): Uint8Array {
  let key = keys.get(config);
  if (!key) {
    key = new Uint8Array(deriveKey(config.appSecretKey, 'hub-survey-links', 'hs256 survey link tokens v1'));
    keys.set(config, key);
  }
  return key;
}

/** A survey token for the thread, valid `ttlDays` from `now` (the hub clock). */
export async function issueSurveyToken(deps: Pick<AppDeps, 'config'>, claims: SurveyClaims, now: Date, ttlDays: number): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ org: claims.organizationId, thread: claims.threadId, scale: claims.scale })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(SURVEY_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlDays * 86_400)
    .sign(surveyKey(deps.config));
}

/** The claims of a valid, unexpired survey token (checked on the hub clock); null for anything else. */
export async function verifySurveyToken(deps: Pick<AppDeps, 'config' | 'clock'>, token: string): Promise<SurveyClaims | null> {
  if (!token || token.length > 2048) return null;
  try {
    const { payload } = await jwtVerify(token, surveyKey(deps.config), {
      audience: SURVEY_AUDIENCE,
      algorithms: ['HS256'],
      currentDate: deps.clock.now(),
      requiredClaims: ['exp'],
    });
    const { org, thread, scale } = payload as { org?: unknown; thread?: unknown; scale?: unknown };
    if (typeof org !== 'string' || typeof thread !== 'string' || !UUID.test(org) || !UUID.test(thread)) return null;
    if (scale !== 'CSAT' && scale !== 'NPS') return null;
    return { organizationId: org, threadId: thread, scale };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}

/** `PUBLIC_URL/survey/<token>`. */
export function surveyUrl(deps: Pick<AppDeps, 'config'>, token: string): string {
  return `${deps.config.publicUrl}/survey/${token}`;
}

// ---------------------------------------------------------------- planning and sending

/** A resolution older than this is no "just resolved" (editing an old resolved thread plans nothing). */
export const JUST_RESOLVED_MS = 60 * 60_000;
const SURVEY_KIND = 'survey';

type ThreadForSurvey = Thread & { channel: Channel; customer: (Customer & { identities: CustomerIdentity[] }) | null };

/** Whether the thread already has its survey message (sent, pending or failed). */
async function surveyMessageOf(tx: Tx, threadId: string): Promise<Message | null> {
  return tx.message.findFirst({ where: { threadId, type: 'AUTO_RESPONSE', metadata: { path: ['kind'], equals: SURVEY_KIND } }, orderBy: { createdAt: 'asc' } });
}

/**
 * Why the survey cannot go out on the thread's channel now (null: it can),
 * and the recipient address when it can.
 */
function surveyRecipient(thread: ThreadForSurvey, now: Date): { to: string } | { skip: string } {
  const { channel } = thread;
  if (!channel.isActive) return { skip: 'channel inactive' };
  const adapter = adapterFor(channel.type);
  if (!adapter?.send) return { skip: 'channel cannot send' };
  const customer = thread.customer
    ? {
        name: thread.customer.name,
        email: thread.customer.email,
        phone: thread.customer.phone,
        identities: thread.customer.identities.map((i) => ({ kind: i.kind, value: i.value })),
      }
    : null;
  const to = adapter.recipient({ conversationKey: thread.conversationKey, customer });
  if (!to) return { skip: 'no recipient' };
  if (adapter.optOut && thread.customer?.identities.some((i) => i.kind === adapter.optOut!.kind && i.value === to && i.optedOutAt)) return { skip: 'customer opted out' };
  const window = adapter.replyWindow;
  if (window && (!thread.lastInboundAt || now.getTime() - thread.lastInboundAt.getTime() > window.ms)) return { skip: 'reply window closed' };
  return { to };
}

/**
 * Plans the survey of a thread that has just been resolved: enqueues
 * `survey.send` at resolvedAt + delayMinutes (singleton `survey:<threadId>`)
 * when surveys are on, the thread is RESOLVED since at most
 * {@link JUST_RESOLVED_MS}, has no rating and no survey yet, and its channel
 * can send to the customer. Call at the end of the transaction of a status
 * change; does nothing otherwise.
 */
export async function planSurvey(ctx: HubContext, tx: Tx, thread: Thread): Promise<void> {
  if (thread.status !== 'RESOLVED' || !thread.resolvedAt || thread.csatScore !== null || thread.deletedAt) return;
  const now = ctx.deps.clock.now();
  if (now.getTime() - thread.resolvedAt.getTime() > JUST_RESOLVED_MS) return;
  const org = await tx.organization.findUnique({ where: { id: ctx.organizationId }, select: { surveySettings: true } });
  const settings = surveySettingsOf(org?.surveySettings);
  if (!settings.enabled) return;
  const full = await tx.thread.findUnique({ where: { id: thread.id }, include: { channel: true, customer: { include: { identities: true } } } });
  if (!full || 'skip' in surveyRecipient(full, now)) return;
  if (await surveyMessageOf(tx, thread.id)) return;
  const runAt = new Date(Math.max(now.getTime(), thread.resolvedAt.getTime() + settings.delayMinutes * 60_000));
  await ctx.deps.jobs.add(tx, JOB.surveySend, { organizationId: ctx.organizationId, threadId: thread.id }, { runAt, singletonKey: `survey:${thread.id}` });
}

/**
 * What `survey.send` did: handed the survey message (PENDING) to the outbox,
 * which delivers it, or skipped with the reason.
 */
export type SurveySendOutcome = { queued: Message } | { skipped: string };

/**
 * The `survey.send` job `{ organizationId, threadId }`: writes the survey
 * message once (see the module comment) together with its `outbox.deliver`
 * job, and returns; the outbox delivers it (and retries, and marks it FAILED
 * after its last attempt).
 */
export async function runSurveySendJob(deps: AppDeps, payload: Record<string, unknown>): Promise<SurveySendOutcome> {
  const organizationId = String(payload.organizationId ?? '');
  const threadId = String(payload.threadId ?? '');
  if (!UUID.test(organizationId) || !UUID.test(threadId)) return { skipped: 'bad payload' };
  const ctx = systemContext(deps, organizationId);
  const outcome = await queueSurveyMessage(ctx, threadId);
  if ('skipped' in outcome) deps.logger.info({ threadId, reason: outcome.skipped }, 'survey not sent');
  else deps.jobs.kick();
  return outcome;
}

/**
 * Writes the survey message (PENDING) with its audit row and its
 * `outbox.deliver` job, due now. A survey message still PENDING without a
 * provider id (written earlier) is queued again: a no-op while its job is
 * queued or running.
 */
async function queueSurveyMessage(ctx: HubContext, threadId: string): Promise<SurveySendOutcome> {
  const deps = ctx.deps;
  const result = await ctx.db.$transaction(async (tx): Promise<{ message: Message; created: boolean } | { skipped: string }> => {
    // One survey per thread, also with two workers.
    await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid FOR UPDATE`, threadId);
    const existing = await surveyMessageOf(tx, threadId);
    if (existing) {
      if (existing.deliveryStatus !== 'PENDING' || existing.externalMessageId) return { skipped: 'survey sent already' };
      await enqueueDelivery(deps, tx, existing.id);
      return { message: existing, created: false };
    }
    const thread = await tx.thread.findUnique({ where: { id: threadId }, include: { channel: true, customer: { include: { identities: true } } } });
    if (!thread) return { skipped: 'thread gone' };
    if (thread.status !== 'RESOLVED' || !thread.resolvedAt) return { skipped: 'thread not resolved' };
    if (thread.csatScore !== null) return { skipped: 'rated already' };
    const org = await tx.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { surveySettings: true, locale: true } });
    const settings = surveySettingsOf(org.surveySettings);
    if (!settings.enabled) return { skipped: 'surveys off' };
    const now = deps.clock.now();
    const target = surveyRecipient(thread, now);
    if ('skip' in target) return { skipped: target.skip };

    const lang = surveyLanguage(thread.customer?.language, org.locale);
    const expiresAt = new Date(now.getTime() + settings.linkTtlDays * 86_400_000);
    const token = await issueSurveyToken(deps, { organizationId: ctx.organizationId, threadId, scale: settings.scale }, now, settings.linkTtlDays);
    const url = surveyUrl(deps, token);
    const texts = SURVEY_TEXTS[lang];
    const question = surveyQuestion(settings, settings.scale, lang);
    // E-mail: the survey answers the customer's last message, so it stays in the conversation.
    const answered =
      thread.channel.type === 'EMAIL_OUTLOOK'
        ? await tx.message.findFirst({
            where: { threadId, type: 'INCOMING', externalMessageId: { not: null } },
            orderBy: { createdAt: 'desc' },
            select: { externalMessageId: true },
          })
        : null;
    const message = await tx.message.create({
      data: {
        organizationId: ctx.organizationId,
        threadId,
        channelId: thread.channelId,
        type: 'AUTO_RESPONSE',
        recipient: { name: thread.customer?.name ?? null, address: target.to },
        subject: thread.channel.type === 'EMAIL_OUTLOOK' ? texts.subject : null,
        content: texts.message(question, url),
        deliveryStatus: 'PENDING',
        metadata: {
          kind: SURVEY_KIND,
          survey: { scale: settings.scale, language: lang, expiresAt: expiresAt.toISOString() },
          ...(answered?.externalMessageId ? { replyToExternalId: answered.externalMessageId } : {}),
        },
        createdAt: now,
      },
    });
    await tx.thread.update({ where: { id: threadId }, data: { lastMessageId: message.id, lastMessageAt: now } });
    await writeAudit(ctx, tx, {
      action: 'thread.sendSurvey',
      entityType: 'Thread',
      entityId: threadId,
      after: { messageId: message.id, scale: settings.scale, language: lang, channelType: thread.channel.type, expiresAt },
    });
    await enqueueDelivery(deps, tx, message.id);
    return { message, created: true };
  });
  if ('skipped' in result) return { skipped: result.skipped };
  if (result.created) {
    deps.pubsub.publish('messageAdded', ctx.organizationId, { messageId: result.message.id, threadId });
    deps.pubsub.publish('threadUpdated', ctx.organizationId, { threadId, changed: ['lastMessage'] });
  }
  return { queued: result.message };
}

// ---------------------------------------------------------------- the page's data and the rating

/** What the survey page shows for a valid token; null when the thread is gone (deleted, or not in that organization). */
export interface SurveyPage {
  claims: SurveyClaims;
  language: SurveyLanguage;
  question: string;
  organizationName: string;
  /** The rating given so far (the form starts from it). */
  current: { score: number; comment: string | null } | null;
}

export async function loadSurveyPage(deps: AppDeps, claims: SurveyClaims): Promise<SurveyPage | null> {
  const ctx = systemContext(deps, claims.organizationId);
  const thread = await ctx.db.thread.findUnique({
    where: { id: claims.threadId },
    select: { id: true, csatScore: true, csatComment: true, customer: { select: { language: true } } },
  });
  if (!thread) return null;
  const org = await deps.db.prisma.organization.findUnique({ where: { id: claims.organizationId }, select: { name: true, locale: true, surveySettings: true } });
  if (!org) return null;
  const language = surveyLanguage(thread.customer?.language, org.locale);
  const settings = surveySettingsOf(org.surveySettings);
  return {
    claims,
    language,
    question: surveyQuestion(settings, claims.scale, language),
    organizationName: org.name,
    current: thread.csatScore === null ? null : { score: thread.csatScore, comment: thread.csatComment },
  };
}

/** A rating as posted by the page (strings from the form). */
export const SurveyAnswer = z.object({
  score: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, 'score'),
  comment: z
    .string()
    .optional()
    .transform((c) => (c ?? '').replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(SURVEY_COMMENT_MAX, 'comment')),
});

/** Checks a posted answer against the scale. @throws DomainError VALIDATION_FAILED with field 'score' or 'comment' */
export function parseSurveyAnswer(scale: SurveyScale, raw: unknown): { score: number; comment: string | null } {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const parsed = SurveyAnswer.safeParse({ score: typeof body.score === 'string' ? body.score : '', comment: typeof body.comment === 'string' ? body.comment : undefined });
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0] === 'comment' ? 'comment' : 'score';
    throw new DomainError('VALIDATION_FAILED', field === 'comment' ? `The comment may be at most ${SURVEY_COMMENT_MAX} characters long.` : 'Choose a score.', field);
  }
  const score = Number(parsed.data.score);
  const { min, max } = scaleRange(scale);
  if (!Number.isInteger(score) || score < min || score > max) throw new DomainError('VALIDATION_FAILED', `The score is ${min} to ${max}.`, 'score');
  return { score, comment: parsed.data.comment || null };
}

/**
 * Stores a rating from the survey page: Thread.csatScore / csatComment /
 * csatAt, the CSAT reporting event (the previous one retracted first), the
 * audit row `thread.rate` and a CSAT_RECEIVED notification to the assignee.
 * A repeat of the stored answer changes nothing (`changed: false`).
 * @throws DomainError NOT_FOUND (thread gone), VALIDATION_FAILED (score or comment)
 */
export async function submitSurveyRating(deps: AppDeps, claims: SurveyClaims, raw: unknown): Promise<{ changed: boolean; thread: Thread }> {
  const answer = parseSurveyAnswer(claims.scale, raw);
  // The customer over a signed link: an outside party, like a webhook.
  const ctx = systemContext(deps, claims.organizationId, 'WEBHOOK');
  const { max } = scaleRange(claims.scale);
  let notifications: Notification[] = [];
  const result = await ctx.db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT id FROM "Thread" WHERE id = $1::uuid AND "organizationId" = $2::uuid FOR UPDATE`, claims.threadId, claims.organizationId);
    const before = await tx.thread.findUnique({ where: { id: claims.threadId }, include: { channel: { select: { type: true } }, customer: { select: { tier: true } } } });
    if (!before) throw notFound('Thread');
    if (before.csatScore === answer.score && (before.csatComment ?? null) === answer.comment) return { changed: false, thread: before as Thread };
    const now = deps.clock.now();
    const thread = await tx.thread.update({ where: { id: before.id }, data: { csatScore: answer.score, csatComment: answer.comment, csatAt: now } });
    const dims = dimsOf(before);
    // Updating the rating: the old event goes (with its rollups) before the new one is recorded, so reporting counts one.
    if (before.csatScore !== null) await recordReportingEvents(ctx, tx, { threadId: thread.id }, dims, [], [['CSAT', 'csat']]);
    await recordReportingEvents(ctx, tx, { threadId: thread.id }, dims, [
      { kind: 'CSAT', occurredAt: now, dedupeKey: 'csat', value: answer.score, met: scoreMet(claims.scale, answer.score) },
    ]);
    await writeAudit(ctx, tx, {
      action: 'thread.rate',
      entityType: 'Thread',
      entityId: thread.id,
      before: { csatScore: before.csatScore, hasComment: before.csatComment !== null },
      after: { csatScore: thread.csatScore, hasComment: thread.csatComment !== null, scale: claims.scale },
    });
    if (thread.assigneeId) {
      notifications = await notify(ctx, tx, [thread.assigneeId], {
        kind: 'CSAT_RECEIVED',
        title: `${before.csatScore === null ? 'Customer rating' : 'Customer rating changed'} ${answer.score}/${max}: ${thread.subject}`,
        body: answer.comment,
        threadId: thread.id,
        data: { score: answer.score, scale: claims.scale, max, previousScore: before.csatScore, met: scoreMet(claims.scale, answer.score) },
      });
    }
    return { changed: true, thread };
  });
  if (result.changed) {
    publishNotifications(deps, notifications);
    deps.pubsub.publish('threadUpdated', claims.organizationId, { threadId: claims.threadId, changed: ['csat'] });
  }
  return result;
}

// ---------------------------------------------------------------- settings service (GraphQL)

function assertAdmin(ctx: HubContext): void {
  if (ctx.viewer && !(ctx.viewer.kind === 'USER' && ctx.viewer.role === 'ADMIN')) throw new DomainError('FORBIDDEN', 'Only an admin may do this.');
}

/** The viewer's organization's survey settings, defaults filled in. */
export async function organizationSurveySettings(ctx: HubContext): Promise<SurveySettings> {
  assertAdmin(ctx);
  const org = await ctx.deps.db.prisma.organization.findUnique({ where: { id: ctx.organizationId }, select: { surveySettings: true } });
  if (!org) throw notFound('Organization');
  return surveySettingsOf(org.surveySettings);
}

const questionPatch = z.string().trim().max(SURVEY_QUESTION_MAX, `At most ${SURVEY_QUESTION_MAX} characters.`).nullish();

/** `updateSurveySettings(input)`: only the fields given change; a question given as null or empty goes back to the built-in one. */
export const UpdateSurveySettingsInput = z.object({
  enabled: z.boolean().nullish(),
  scale: z.enum(SURVEY_SCALES).nullish(),
  question: z.object({ nl: questionPatch, en: questionPatch, it: questionPatch }).nullish(),
  delayMinutes: SurveySettings.shape.delayMinutes.unwrap().nullish(),
  linkTtlDays: SurveySettings.shape.linkTtlDays.unwrap().nullish(),
});

/** Changes the survey settings (ADMIN; audited as organization.update). @throws VALIDATION_FAILED, FORBIDDEN */
export async function updateSurveySettings(ctx: HubContext, raw: z.input<typeof UpdateSurveySettingsInput>): Promise<{ surveySettings: SurveySettings }> {
  assertAdmin(ctx);
  const input = UpdateSurveySettingsInput.parse(raw);
  return ctx.db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT id FROM "Organization" WHERE id = $1::uuid FOR UPDATE`, ctx.organizationId);
    const org = await tx.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { surveySettings: true } });
    const before = surveySettingsOf(org.surveySettings);
    const question: SurveySettings['question'] = { ...before.question };
    for (const lang of SURVEY_LANGUAGES) {
      const v = input.question?.[lang];
      if (v === undefined) continue;
      if (v === null || v === '') delete question[lang];
      else question[lang] = v;
    }
    const after = SurveySettings.parse({
      enabled: input.enabled ?? before.enabled,
      scale: input.scale ?? before.scale,
      question,
      delayMinutes: input.delayMinutes ?? before.delayMinutes,
      linkTtlDays: input.linkTtlDays ?? before.linkTtlDays,
    });
    await tx.organization.update({ where: { id: ctx.organizationId }, data: { surveySettings: after as Prisma.InputJsonValue } });
    await writeAudit(ctx, tx, {
      action: 'organization.update',
      entityType: 'Organization',
      entityId: ctx.organizationId,
      before: { surveySettings: before },
      after: { surveySettings: after },
    });
    return { surveySettings: after };
  });
}
