-- CreateIndex
CREATE INDEX "Thread_organizationId_deletedAt_idx" ON "Thread"("organizationId", "deletedAt");

-- CreateIndex
CREATE INDEX "Thread_organizationId_assigneeId_deletedAt_idx" ON "Thread"("organizationId", "assigneeId", "deletedAt");

-- CreateIndex
CREATE INDEX "Thread_channelId_organizationId_deletedAt_idx" ON "Thread"("channelId", "organizationId", "deletedAt");

-- CreateIndex
CREATE INDEX "Thread_sla_state_count_idx" ON "Thread"("organizationId", "status", "deletedAt", "slaDueAt", "slaAtRiskAt", "slaPolicyId", "responseDueAt");

