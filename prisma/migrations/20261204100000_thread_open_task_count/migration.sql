-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "hasOpenTasks" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "openTaskCount" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Thread_open_tasks_idx" ON "Thread"("organizationId", "hasOpenTasks", "lastMessageAt" DESC);

