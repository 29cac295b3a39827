/**
 * Schema pieces shared by every module: scalars, the typed mutation error, and
 * helpers to decode Relay global ids and to run a mutation into a payload.
 */
import type { ObjectRef } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { ZodError } from 'zod';
import { NO_MATCH_ID } from '../shared/context.js';
import { DomainError, type ErrorCode } from '../shared/errors.js';
import { ERROR_CODES } from './errors.js';
import { builder, type HubTypes } from './builder.js';

/**
 * DateTime: an ISO 8601 instant in UTC, e.g. "2026-12-03T07:15:00.000Z" (graphql-scalars' DateTimeResolver, which
 * validates). It serializes to that string itself instead of handing graphql-js a Date: the wire format is the same
 * (JSON.stringify writes a Date as its toISOString()), but a Date in a result makes V8's JSON.stringify call toJSON on
 * every one and leave its fast path: ~85 µs more per inbox page of 50 threads (issue 8 §1).
 */
builder.addScalarType('DateTime', DateTimeResolver, {
  serialize: (value) => (DateTimeResolver.serialize(value) as Date).toISOString(),
});
builder.addScalarType('JSON', JSONResolver, {});

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Why a mutation did not do what was asked. The message says it in words.',
  values: ERROR_CODES,
});

export interface UserErrorShape {
  code: ErrorCode;
  message: string;
  field?: string | null;
}

export const UserError = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'An expected failure of a mutation: nothing was changed.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (e) => e.code }),
    message: t.exposeString('message'),
    field: t.string({ nullable: true, description: 'Input path the error refers to, e.g. "input.email".', resolve: (e) => e.field ?? null }),
  }),
});

/**
 * The payload type of a mutation: `{ <key>: <type> (null on failure), errors: [UserError!]! }`,
 * e.g. payloadType('TaskPayload', 'task', TaskNode) for `{ task: Task, errors }`.
 */
export function payloadType<K extends string, Shape>(name: string, key: K, type: ObjectRef<HubTypes, Shape>) {
  return builder.objectRef<{ [P in K]?: Shape } & { errors: UserErrorShape[] }>(name).implement({
    fields: (t) => ({
      [key]: t.field({ type, nullable: true, resolve: (p) => ((p as Record<string, unknown>)[key] ?? null) as never }),
      errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
    }),
  });
}

/** Type names a global id may decode to. */
export type NodeTypeName =
  | 'Thread'
  | 'Message'
  | 'Customer'
  | 'User'
  | 'Team'
  | 'Channel'
  | 'Task'
  | 'Template'
  | 'AuditLog'
  | 'InboundEvent'
  | 'ApiKey'
  | 'BusinessCalendar'
  | 'SlaPolicy'
  | 'SlaEvent'
  | 'Notification'
  | 'RoutingRule';

/**
 * Decodes a Relay global id ("base64(Type:uuid)") and checks its type.
 * Throws DomainError VALIDATION_FAILED for a malformed id and NOT_FOUND for an id
 * of another type, with `field` set to the input path.
 */
export function decodeId(type: NodeTypeName, globalId: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw new DomainError('VALIDATION_FAILED', `${field} is not a valid id.`, field);
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (decoded.typename !== type || !uuid.test(decoded.id)) {
    throw new DomainError('NOT_FOUND', `${type} not found.`, field);
  }
  return decoded.id;
}

/**
 * Decodes an optional filter id. A malformed id or one of another type filters
 * to nothing (NO_MATCH_ID) instead of failing the query, like an unknown id.
 */
export function decodeFilterId(type: NodeTypeName, globalId: string | number | null | undefined, field: string): string | null | undefined {
  if (globalId === undefined || globalId === null) return globalId;
  try {
    return decodeId(type, String(globalId), field);
  } catch {
    return NO_MATCH_ID;
  }
}

/**
 * An entity id given either as a database uuid or as any Relay global id
 * ("base64(Type:uuid)"): the uuid, and the type when it was a global id.
 * Anything else is returned unchanged (it then matches nothing).
 */
export function uuidOfAnyId(value: string): { id: string; typename?: string } {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (uuid.test(value)) return { id: value };
  try {
    const decoded = decodeGlobalID(value);
    if (uuid.test(decoded.id)) return { id: decoded.id, typename: decoded.typename };
  } catch {
    // not a global id
  }
  return { id: value };
}

/** decodeId for optional inputs: undefined stays undefined (not given), null stays null (clear it). */
export function decodeOptionalId(type: NodeTypeName, globalId: string | null | undefined, field: string) {
  if (globalId === undefined || globalId === null) return globalId;
  return decodeId(type, globalId, field);
}

/**
 * Runs a mutation body and shapes its outcome as a payload: the result with
 * `errors: []`, or `errors` for a DomainError / zod validation error. Other
 * errors propagate (masked by the server).
 */
export async function runMutation<T extends object>(
  fn: () => Promise<T>,
  /** Prefix of validation error fields: "input" for `(input: ...)` mutations, "" for plain arguments. */
  fieldPrefix = 'input',
): Promise<Partial<T> & { errors: UserErrorShape[] }> {
  try {
    return { ...(await fn()), errors: [] };
  } catch (err) {
    if (err instanceof DomainError) return { ...err.partial, errors: [{ code: err.code, message: err.message, field: err.field }] } as never;
    if (err instanceof ZodError) {
      return {
        errors: err.issues.map((i) => ({ code: 'VALIDATION_FAILED' as const, message: i.message, field: [...(fieldPrefix ? [fieldPrefix] : []), ...i.path].join('.') })),
      } as never;
    }
    throw err;
  }
}

/**
 * `compute()` once per key object, cached in `cache` (a module-level WeakMap):
 * per-request memos keyed by an object that lives as long as the request (a
 * connection, a field's args, the context), e.g. a count two fields share.
 */
export function memoOn<K extends object, V>(cache: WeakMap<K, V>, key: K, compute: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = compute();
  cache.set(key, value);
  return value;
}

/**
 * `extensions` key marking a field, object type or input type whose value depends on who asks,
 * not only on their role (Thread.unread, ThreadFilter's mine, Notification): subscribers share
 * an event's execution per role unless their document selects one of these, then per user
 * (http/shared-subscriptions.ts).
 */
export const PER_VIEWER = 'perViewer';
