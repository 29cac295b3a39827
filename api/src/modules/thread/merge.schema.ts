/**
 * GraphQL of conversation merge: `mergeThreads` and the `Thread.mergedInto`
 * link (issue 10 §5). The rules are in merge.service.ts.
 */
import type { Thread } from '../../generated/prisma/client.js';
import { builder } from '../../schema/builder.js';
import { UserError, decodeId, runMutation, type UserErrorShape } from '../../schema/common.js';
import { can } from '../auth/permissions.js';
import { mergeThreads, MAX_MERGE_SOURCES } from './merge.service.js';
import { ThreadNode } from './thread.schema.js';

builder.prismaObjectField('Thread', 'mergedInto', (t) =>
  t.relation('mergedInto', {
    nullable: true,
    description: 'The thread this one was merged into (mergeThreads): its messages and tasks live there now, and this thread is CLOSED. Null when not merged.',
  }),
);

type MergeThreadsShape = { thread?: Thread; sources?: Thread[]; errors: UserErrorShape[] };

const MergeThreadsPayload = builder.objectRef<MergeThreadsShape>('MergeThreadsPayload').implement({
  description: 'The result of mergeThreads.',
  fields: (t) => ({
    thread: t.field({
      type: ThreadNode,
      nullable: true,
      description: 'The target, with every message of the sources in its timeline. Null when errors is not empty.',
      resolve: (p) => p.thread ?? null,
    }),
    sources: t.field({
      type: [ThreadNode],
      description: 'The source threads, now CLOSED with mergedInto = the target. Empty when errors is not empty.',
      resolve: (p) => p.sources ?? [],
    }),
    errors: t.field({ type: [UserError], resolve: (p) => p.errors }),
  }),
});

builder.mutationField('mergeThreads', (t) =>
  t.field({
    authScopes: can('mergeThreads'),
    type: MergeThreadsPayload,
    description: `Merges threads of one customer into one timeline: the messages (each keeps its channel and time) and tasks of the sources move to the target, ordered by time across channels; the sources are CLOSED with mergedInto = the target; new customer messages of a source's conversation go to the target while it is open; a reply in the target goes out on the channel of the message replied to (postMessage replyToMessageId, else the channel of the customer's latest message). One transaction, audited (thread.merge, with every moved id). Errors: VALIDATION_FAILED (no source, more than ${MAX_MERGE_SOURCES}), MERGE_SAME_RECORD (the target among the sources), NOT_FOUND (a thread unknown, deleted or of another organization), MERGE_ALREADY_MERGED, MERGE_CUSTOMER_MISMATCH (threads of different customers: merge the customers first).`,
    args: {
      targetId: t.arg.id({ required: true, description: 'The thread that stays open and receives the messages.' }),
      sourceIds: t.arg.idList({ required: true, description: `The threads merged into the target (1–${MAX_MERGE_SOURCES}).` }),
    },
    resolve: (_r, args, ctx) =>
      runMutation(
        () =>
          mergeThreads(
            ctx,
            decodeId('Thread', String(args.targetId), 'targetId'),
            args.sourceIds.map((id, i) => decodeId('Thread', String(id), `sourceIds.${i}`)),
          ),
        '',
      ),
  }),
);
