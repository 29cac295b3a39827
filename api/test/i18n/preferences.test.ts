/**
 * Issue 10 §2: the viewer's own UI language and time zone (User.locale,
 * User.timezone, null = the organization's), the organization's defaults on
 * viewer.organization, and updateMyPreferences (own record only, validated,
 * audited) through the real GraphQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyFor, createOrganization, createTestApp, createTestServer, createUser, type TestApp, type TestServer } from '../harness.js';
import { clockToken } from '../graphql/helpers.js';

let app: TestApp;
let server: TestServer;
let orgId: string;
let sarah: { id: string; organizationId: string };
let marco: { id: string; organizationId: string };

const VIEWER = `{ viewer { id locale timezone organization { slug locale timezone } } }`;
const UPDATE = `mutation($input: UpdateMyPreferencesInput!){ updateMyPreferences(input: $input) { user { locale timezone } errors { code message field } } }`;
const as = async (u: { id: string; organizationId: string }) => clockToken(app.deps, u);
const row = (id: string) => app.deps.db.prisma.user.findUniqueOrThrow({ where: { id }, select: { locale: true, timezone: true } });
const auditRows = (userId: string) => app.deps.db.prisma.auditLog.findMany({ where: { action: 'user.updatePreferences', entityId: userId }, orderBy: { createdAt: 'asc' } });

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await app.deps.db.prisma.organization.update({
    where: { id: (await createOrganization(app.deps)).id },
    data: { locale: 'nl', timezone: 'Europe/Amsterdam' },
  });
  orgId = org.id;
  sarah = await createUser(app.deps, orgId, { name: 'Sarah' });
  marco = await createUser(app.deps, orgId, { name: 'Marco' });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('viewer preferences', () => {
  it('a new user follows the organization: locale and timezone null, the defaults on viewer.organization', async () => {
    const res = await server.gql(VIEWER, {}, await as(sarah));
    expect(res.errors).toBeUndefined();
    expect(res.data.viewer).toMatchObject({ locale: null, timezone: null, organization: { locale: 'nl', timezone: 'Europe/Amsterdam' } });
  });

  it('updateMyPreferences sets both, the viewer reads them back, one audit row with before and after', async () => {
    const res = await server.gql(UPDATE, { input: { locale: 'it', timezone: 'Europe/Rome' } }, await as(sarah));
    expect(res.data.updateMyPreferences).toEqual({ user: { locale: 'it', timezone: 'Europe/Rome' }, errors: [] });
    expect(await row(sarah.id)).toEqual({ locale: 'it', timezone: 'Europe/Rome' });
    const viewer = await server.gql(VIEWER, {}, await as(sarah));
    expect(viewer.data.viewer).toMatchObject({ locale: 'it', timezone: 'Europe/Rome' });
    const audits = await auditRows(sarah.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorUserId).toBe(sarah.id);
    expect(audits[0]!.changes).toEqual({ before: { locale: null, timezone: null }, after: { locale: 'it', timezone: 'Europe/Rome' } });
  });

  it('a field left out stays; null clears it back to the organization', async () => {
    let res = await server.gql(UPDATE, { input: { locale: 'en' } }, await as(sarah));
    expect(res.data.updateMyPreferences).toEqual({ user: { locale: 'en', timezone: 'Europe/Rome' }, errors: [] });
    res = await server.gql(UPDATE, { input: { timezone: null } }, await as(sarah));
    expect(res.data.updateMyPreferences).toEqual({ user: { locale: 'en', timezone: null }, errors: [] });
    expect(await row(sarah.id)).toEqual({ locale: 'en', timezone: null });
    // Changing nothing writes no audit row.
    const before = (await auditRows(sarah.id)).length;
    res = await server.gql(UPDATE, { input: { locale: 'en' } }, await as(sarah));
    expect(res.data.updateMyPreferences.errors).toEqual([]);
    expect(await auditRows(sarah.id)).toHaveLength(before);
  });

  it('changes only the own record: the other agent stays untouched', async () => {
    await server.gql(UPDATE, { input: { locale: 'nl', timezone: 'America/New_York' } }, await as(marco));
    expect(await row(marco.id)).toEqual({ locale: 'nl', timezone: 'America/New_York' });
    expect(await row(sarah.id)).toEqual({ locale: 'en', timezone: null });
  });

  it.each([
    [{ locale: 'de' }, 'input.locale'],
    [{ locale: 'NL' }, 'input.locale'],
    [{ timezone: 'Mars/Olympus_Mons' }, 'input.timezone'],
    [{ timezone: '+01:00' }, 'input.timezone'],
    [{ timezone: '' }, 'input.timezone'],
    [{ locale: 'it', timezone: 'Europe/Nowhere' }, 'input.timezone'],
  ])('invalid %j: VALIDATION_FAILED on %s and nothing changes', async (input, field) => {
    const before = await row(marco.id);
    const audits = (await auditRows(marco.id)).length;
    const res = await server.gql(UPDATE, { input }, await as(marco));
    expect(res.data.updateMyPreferences.user).toBeNull();
    expect(res.data.updateMyPreferences.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field })]);
    expect(await row(marco.id)).toEqual(before);
    expect(await auditRows(marco.id)).toHaveLength(audits);
  });

  it('an API key (no person) may not call it', async () => {
    const key = await createApiKeyFor(app.deps, orgId, ['READ', 'WRITE']);
    const res = await server.gql(UPDATE, { input: { locale: 'it' } }, key);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await row(marco.id)).toEqual({ locale: 'nl', timezone: 'America/New_York' });
  });

  it('without a session: UNAUTHENTICATED', async () => {
    const res = await server.gql(UPDATE, { input: { locale: 'it' } });
    expect(res.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });
});
