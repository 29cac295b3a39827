-- CreateIndex
CREATE INDEX "Thread_organizationId_snoozedUntil_idx" ON "Thread"("organizationId", "snoozedUntil");

