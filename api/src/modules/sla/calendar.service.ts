/**
 * Business calendars as settings: create and update them (MANAGER and up,
 * audited), and turn a stored row into the `BusinessCalendar` shape the
 * business-time maths (`business-time.ts`) and the SLA engine work with.
 *
 * A calendar row: `name` (≤ 100 characters, unique per organization),
 * `timezone` (IANA, e.g. "Europe/Amsterdam"), `hours` (JSON list of
 * `{ weekday: 1..7 (ISO, Monday = 1), opens: "HH:MM", closes: "HH:MM" | "24:00" }`
 * in local wall-clock time, several per weekday), `holidays` (local
 * "YYYY-MM-DD" dates) and `holidayCountry` (ISO 3166-1 alpha-2, its public
 * holidays are closed days too). No calendar at all means 24/7.
 *
 * Every query names `organizationId` itself: the tenant extension of `ctx.db`
 * (db/tenant.ts) does not list BusinessCalendar among its models.
 */
import { z, ZodError } from 'zod';
import type { BusinessCalendar as BusinessCalendarRow, Prisma } from '../../generated/prisma/client.js';
import type { TenantDb, Tx } from '../../db/tenant.js';
import type { HubContext } from '../../shared/context.js';
import { DomainError, isUniqueViolation, notFound } from '../../shared/errors.js';
import { diff, writeAudit } from '../audit/audit.service.js';
import { businessCalendarSchema, minutesOf, type BusinessCalendar, type BusinessHoursInterval } from './calendar.js';

/** Longest calendar (and policy) name, in characters. */
export const MAX_NAME_LENGTH = 100;

/** zod schema of a settings name: trimmed, 1 to 100 characters. */
export const settingsNameSchema = z
  .string({ error: 'name is required' })
  .trim()
  .min(1, 'name is required')
  .max(MAX_NAME_LENGTH, `name must be at most ${MAX_NAME_LENGTH} characters`);

/** The columns of a BusinessCalendar row that make up its calendar. */
export type CalendarRow = Pick<BusinessCalendarRow, 'timezone' | 'hours' | 'holidays' | 'holidayCountry'>;

/** Input of createBusinessCalendar (see the module comment for the shapes and units). */
export interface CreateBusinessCalendarInput {
  name: string;
  timezone: string;
  hours: BusinessHoursInterval[];
  holidays?: string[] | null;
  holidayCountry?: string | null;
}

/**
 * Input of updateBusinessCalendar: omitted (undefined) = unchanged; `holidays`
 * null = none; `holidayCountry` null = no public holidays; null for `name`,
 * `timezone` or `hours` is a validation error.
 */
export interface UpdateBusinessCalendarInput {
  name?: string | null;
  timezone?: string | null;
  hours?: BusinessHoursInterval[] | null;
  holidays?: string[] | null;
  holidayCountry?: string | null;
}

// ---------------------------------------------------------------------------
// Row → BusinessCalendar
// ---------------------------------------------------------------------------

/** Calendars handed out by `calendarOf`, keyed by their content, so compileCalendar's per-object memo hits. */
const calendarCache = new Map<string, BusinessCalendar>();
const CALENDAR_CACHE_SIZE = 200;

/**
 * The `BusinessCalendar` of a stored row, for `addBusinessSeconds` and the
 * other business-time functions: `{ timezone, hours: [{ weekday (ISO 1..7),
 * opens "HH:MM", closes "HH:MM" }], holidays: ["YYYY-MM-DD"], holidayCountry }`.
 * null/undefined (a policy without calendar) gives null, which the maths reads
 * as open 24/7. Rows with the same content give the same (frozen) object, so
 * the compiled form is reused; treat it as read-only. Does not validate: rows
 * written through this service are valid, and the maths validates again
 * (ZodError) when it compiles a calendar.
 * @param row a BusinessCalendar row (at least timezone, hours, holidays, holidayCountry) or null.
 */
export function calendarOf(row: CalendarRow | null | undefined): BusinessCalendar | null {
  if (!row) return null;
  const hours = (Array.isArray(row.hours) ? row.hours : []) as unknown as BusinessHoursInterval[];
  const key = JSON.stringify([row.timezone, hours, row.holidays, row.holidayCountry ?? null]);
  const cached = calendarCache.get(key);
  if (cached) return cached;
  const calendar: BusinessCalendar = Object.freeze({
    timezone: row.timezone,
    hours: hours.map((h) => Object.freeze({ weekday: h.weekday, opens: h.opens, closes: h.closes })),
    holidays: [...row.holidays],
    holidayCountry: row.holidayCountry ?? null,
  }) as BusinessCalendar;
  if (calendarCache.size >= CALENDAR_CACHE_SIZE) calendarCache.delete(calendarCache.keys().next().value!);
  calendarCache.set(key, calendar);
  return calendar;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/**
 * Validates a whole calendar with its name: the name (1..100 characters) and
 * `businessCalendarSchema` (calendar.ts), plus at least one opening interval
 * (a calendar that is never open makes every due date impossible; no calendar
 * at all means 24/7). Returns it normalised: hours sorted by weekday and
 * opening time, holidays sorted without duplicates, holidayCountry null when
 * absent.
 * @throws ZodError with one issue per problem (paths relative to the input, e.g. ["hours", 2, "closes"]).
 */
export function validateCalendarInput(raw: {
  name: unknown;
  timezone: unknown;
  hours: unknown;
  holidays?: unknown;
  holidayCountry?: unknown;
}): { name: string } & Required<BusinessCalendar> {
  const name = settingsNameSchema.safeParse(raw.name);
  const calendar = businessCalendarSchema.safeParse({
    timezone: raw.timezone,
    hours: raw.hours,
    holidays: raw.holidays ?? [],
    holidayCountry: raw.holidayCountry ?? null,
  });
  const issues: z.core.$ZodIssue[] = [];
  if (!name.success) issues.push(...name.error.issues.map((i) => ({ ...i, path: ['name', ...i.path] })));
  if (!calendar.success) issues.push(...calendar.error.issues);
  else if (calendar.data.hours.length === 0) {
    issues.push({
      code: 'custom',
      path: ['hours'],
      message: 'hours must hold at least one opening interval (to be open around the clock, use no calendar at all)',
      input: raw.hours,
    });
  }
  if (issues.length > 0 || !name.success || !calendar.success) throw new ZodError(issues);
  const cal = calendar.data;
  return {
    name: name.data,
    timezone: cal.timezone,
    hours: [...cal.hours].sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens)).map((h) => ({ weekday: h.weekday, opens: h.opens, closes: h.closes })),
    holidays: [...new Set(cal.holidays)].sort(),
    holidayCountry: cal.holidayCountry ?? null,
  };
}

async function assertCalendarNameFree(ctx: HubContext, tx: Tx | TenantDb, name: string, exceptId?: string) {
  const taken = await tx.businessCalendar.findFirst({
    where: { organizationId: ctx.organizationId, name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw nameTaken(name);
}

const nameTaken = (name: string) => new DomainError('BUSINESS_CALENDAR_NAME_TAKEN', `Another business calendar is already called "${name}".`, 'input.name');

// ---------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------

/**
 * Creates a business calendar of the viewer's organization and writes the
 * audit row `businessCalendar.create`.
 * @returns `{ businessCalendar }`, the new row.
 * @throws ZodError (→ VALIDATION_FAILED, field "input.<path>"); DomainError BUSINESS_CALENDAR_NAME_TAKEN.
 */
export async function createBusinessCalendar(ctx: HubContext, raw: CreateBusinessCalendarInput): Promise<{ businessCalendar: BusinessCalendarRow }> {
  const input = validateCalendarInput(raw);
  try {
    const businessCalendar = await ctx.db.$transaction(async (tx) => {
      await assertCalendarNameFree(ctx, tx, input.name);
      const row = await tx.businessCalendar.create({
        data: {
          organizationId: ctx.organizationId,
          name: input.name,
          timezone: input.timezone,
          hours: input.hours as unknown as Prisma.InputJsonValue,
          holidays: input.holidays,
          holidayCountry: input.holidayCountry,
        },
      });
      await writeAudit(ctx, tx, { action: 'businessCalendar.create', entityType: 'BusinessCalendar', entityId: row.id, after: row });
      return row;
    });
    return { businessCalendar };
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name); // a concurrent create won the name
    throw err;
  }
}

/**
 * Updates a business calendar: fields omitted stay as they are, the result is
 * validated as a whole (as on create). Writes `businessCalendar.update` with
 * the changed columns. The policies using the calendar follow it at once
 * (threads already running keep their due dates until the engine recomputes
 * them).
 * @param id database id of the calendar.
 * @returns `{ businessCalendar }`, the updated row.
 * @throws DomainError NOT_FOUND (field "input.calendarId"), BUSINESS_CALENDAR_NAME_TAKEN; ZodError (→ VALIDATION_FAILED).
 */
export async function updateBusinessCalendar(ctx: HubContext, id: string, raw: UpdateBusinessCalendarInput): Promise<{ businessCalendar: BusinessCalendarRow }> {
  let name: string | undefined;
  try {
    const businessCalendar = await ctx.db.$transaction(async (tx) => {
      const before = await tx.businessCalendar.findFirst({ where: { id, organizationId: ctx.organizationId } });
      if (!before) throw notFound('BusinessCalendar', 'input.calendarId');
      const input = validateCalendarInput({
        name: raw.name === undefined ? before.name : raw.name,
        timezone: raw.timezone === undefined ? before.timezone : raw.timezone,
        hours: raw.hours === undefined ? before.hours : raw.hours,
        holidays: raw.holidays === undefined ? before.holidays : (raw.holidays ?? []),
        holidayCountry: raw.holidayCountry === undefined ? before.holidayCountry : raw.holidayCountry,
      });
      name = input.name;
      if (input.name !== before.name) await assertCalendarNameFree(ctx, tx, input.name, id);
      const row = await tx.businessCalendar.update({
        where: { id, organizationId: ctx.organizationId },
        data: {
          name: input.name,
          timezone: input.timezone,
          hours: input.hours as unknown as Prisma.InputJsonValue,
          holidays: input.holidays,
          holidayCountry: input.holidayCountry,
        },
      });
      await writeAudit(ctx, tx, { action: 'businessCalendar.update', entityType: 'BusinessCalendar', entityId: id, ...diff(before, row) });
      return row;
    });
    return { businessCalendar };
  } catch (err) {
    if (isUniqueViolation(err) && name !== undefined) throw nameTaken(name); // a concurrent change won the name
    throw err;
  }
}
