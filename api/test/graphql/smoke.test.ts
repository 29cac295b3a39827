import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyFor, createChannel, createOrganization, createTestApp, createTestServer, createUser, TEST_PASSWORD, type TestApp, type TestServer } from '../harness.js';

let app: TestApp;
let server: TestServer;
beforeAll(async () => {
  app = await createTestApp();
  server = await createTestServer(app.deps);
});
afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('graphql smoke', () => {
  it('logs in, ingests, lists and notes', async () => {
    const org = await createOrganization(app.deps);
    const user = await createUser(app.deps, org.id, { email: 'smoke@example.test' });
    const channel = await createChannel(app.deps, org.id, { type: 'API' });
    const login = await server.gql(`mutation($email: String!, $password: String!){ login(email: $email, password: $password){ token user { email } errors { code message } } }`, {
      email: 'smoke@example.test',
      password: TEST_PASSWORD,
    });
    expect(login.errors).toBeUndefined();
    const token = login.data.login.token;
    expect(token).toBeTruthy();
    const channels = await server.gql(`{ channels { id type } }`, {}, token);
    const channelId = channels.data.channels[0].id;
    // A partner system feeds the message with an INGEST key.
    const key = await createApiKeyFor(app.deps, org.id, ['INGEST']);
    const ing = await server.gql(
      `mutation($i: IngestMessageInput!){ ingestMessage(input:$i){ created message { id content } thread { id subject } errors { code message field } } }`,
      {
        i: {
          channelId,
          externalMessageId: 'ext-1',
          customer: { name: 'Anna', email: 'anna@example.test' },
          content: 'Hallo, mijn laadpaal doet het niet',
          occurredAt: '2026-11-20T09:00:00Z',
        },
      },
      key,
    );
    expect(ing.errors).toBeUndefined();
    expect(ing.data.ingestMessage.created).toBe(true);
    const threads = await server.gql(
      `{ threads(first: 10) { totalCount edges { cursor node { id subject overdue customer { name } lastMessage { content sender { kind name } } channel { type } } } } }`,
      {},
      token,
    );
    expect(threads.errors).toBeUndefined();
    expect(threads.data.threads.totalCount).toBe(1);
    const threadId = threads.data.threads.edges[0].node.id;
    const note = await server.gql(
      `mutation($i: PostMessageInput!){ postMessage(input:$i){ message { type content sender { kind name } } errors { code } } }`,
      { i: { threadId, kind: 'NOTE', content: 'Klant bellen' } },
      token,
    );
    expect(note.errors).toBeUndefined();
    expect(note.data.postMessage.message.type).toBe('INTERNAL_NOTE');
    const t = await server.gql(`query($id: ID!){ node(id:$id){ ... on Thread { messages(last: 10) { totalCount edges { node { type content } } } } } }`, { id: threadId }, token);
    expect(t.errors).toBeUndefined();
    expect(t.data.node.messages.totalCount).toBe(2);
    void user;
    void channel;
  });
});
