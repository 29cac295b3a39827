/**
 * Checks that ids an input refers to exist in the caller's organization (the
 * transaction is tenant-scoped, so another organization's id is "not found").
 * Throws DomainError NOT_FOUND with the input field, e.g. "input.assigneeId".
 */
import type { Tx } from '../db/tenant.js';
import { notFound } from './errors.js';

export interface References {
  customerId?: string | null;
  /** Must be an active agent. */
  assigneeId?: string | null;
  teamId?: string | null;
  threadId?: string | null;
}

export async function assertReferences(tx: Tx, refs: References): Promise<void> {
  if (refs.customerId && !(await tx.customer.findUnique({ where: { id: refs.customerId } }))) throw notFound('Customer', 'input.customerId');
  if (refs.assigneeId && !(await tx.user.findUnique({ where: { id: refs.assigneeId, isActive: true } }))) throw notFound('Agent', 'input.assigneeId');
  if (refs.teamId && !(await tx.team.findUnique({ where: { id: refs.teamId } }))) throw notFound('Team', 'input.teamId');
  if (refs.threadId && !(await tx.thread.findUnique({ where: { id: refs.threadId } }))) throw notFound('Thread', 'input.threadId');
}
