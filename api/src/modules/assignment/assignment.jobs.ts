/**
 * The assignment module's job handlers and its cron schedule, registered in
 * jobs/handlers.ts. Payloads: `assignment.route` { threadId },
 * `assignment.drain` { teamId }, `assignment.reassign` { threadId, assignedAt
 * (ISO instant) }, `assignment.availability` {} (every minute).
 */
import { JOB } from '../../jobs/names.js';
import { PermanentJobError, type JobHandler, type Schedule } from '../../jobs/queue.js';
import { drainTeam, reassignThread, routeThread, sweepAvailability } from './assignment.service.js';

const text = (payload: Record<string, unknown>, key: string, queue: string): string => {
  const v = payload[key];
  if (typeof v !== 'string' || !v) throw new PermanentJobError(`${queue} without ${key}`);
  return v;
};

/** Handlers by queue name (spread into jobHandlers). */
export const assignmentJobHandlers: Record<string, JobHandler> = {
  [JOB.assignmentRoute]: async (deps, payload) => {
    await routeThread(deps, text(payload, 'threadId', JOB.assignmentRoute));
  },
  [JOB.assignmentDrain]: async (deps, payload) => {
    await drainTeam(deps, text(payload, 'teamId', JOB.assignmentDrain));
  },
  [JOB.assignmentReassign]: async (deps, payload) => {
    await reassignThread(deps, text(payload, 'threadId', JOB.assignmentReassign), text(payload, 'assignedAt', JOB.assignmentReassign));
  },
  [JOB.availabilitySweep]: async (deps) => {
    await sweepAvailability(deps);
  },
};

/** Recurring jobs (spread into jobSchedules): the availability sweep, every minute. */
export const assignmentSchedules: Schedule[] = [{ name: 'availability-sweep', cron: '* * * * *', queue: JOB.availabilitySweep }];
