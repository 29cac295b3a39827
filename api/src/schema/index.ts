/**
 * The GraphQL schema: imports every module (each registers its types on the
 * builder) and builds it. `printSchemaSorted` produces schema.graphql.
 */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './common.js';
import './enums.js';
import '../modules/agent/agent.schema.js';
import '../modules/assignment/assignment.schema.js';
import '../modules/apikey/apikey.schema.js';
import '../modules/audit/audit.schema.js';
import '../modules/auth/auth.schema.js';
import '../modules/channel/channel.schema.js';
import '../modules/customer/customer.schema.js';
import '../modules/gdpr/gdpr.schema.js';
import '../modules/thread/inbound.schema.js';
import '../modules/thread/thread.schema.js';
import '../modules/thread/merge.schema.js';
import '../modules/message/message.schema.js';
import '../modules/task/task.schema.js';
import '../modules/template/template.schema.js';
import '../modules/sla/settings.schema.js';
import '../modules/notification/notification.schema.js';
import '../modules/sla/sla.schema.js';
import '../modules/analytics/survey.schema.js';
import '../modules/analytics/analytics.schema.js';

export const schema = builder.toSchema({ sortSchema: true });

/** The SDL written to schema.graphql at the repository root (sorted, so diffs stay small). */
export function printSchemaSorted(): string {
  return `${printSchema(lexicographicSortSchema(schema)).trim()}\n`;
}
