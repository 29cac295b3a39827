-- DropIndex
DROP INDEX "Thread_organizationId_assigneeId_deletedAt_idx";

-- DropIndex
DROP INDEX "Thread_sla_state_count_idx";

-- CreateIndex
CREATE INDEX "Thread_assignee_count_idx" ON "Thread"("organizationId", "assigneeId", "deletedAt", "snoozedUntil", "lastInboundAt", "id");

-- CreateIndex
CREATE INDEX "Thread_sla_state_count_idx" ON "Thread"("organizationId", "status", "deletedAt", "slaDueAt", "slaAtRiskAt", "slaPolicyId", "responseDueAt", "snoozedUntil", "lastInboundAt", "lastMessageAt", "id");

