-- CreateEnum
CREATE TYPE "ReportingEventKind" AS ENUM ('THREAD_OPENED', 'CUSTOMER_MESSAGE', 'REPLY', 'FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLVED', 'REOPENED', 'ROUTED', 'SLA_TARGET', 'ESCALATED', 'TASK_COMPLETED', 'CSAT');

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'CSAT_RECEIVED';

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "surveySettings" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "reportState" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "csatScore" INTEGER,
ADD COLUMN     "csatComment" TEXT,
ADD COLUMN     "csatAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ReportingEvent" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "threadId" UUID,
    "taskId" UUID,
    "kind" "ReportingEventKind" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "dedupeKey" TEXT,
    "target" "SlaTarget",
    "channelType" "ChannelType",
    "channelId" UUID,
    "teamId" UUID,
    "agentId" UUID,
    "priority" "Priority",
    "customerTier" "CustomerTier",
    "threadType" "ThreadType",
    "seconds" DOUBLE PRECISION,
    "businessSeconds" DOUBLE PRECISION,
    "met" BOOLEAN,
    "value" INTEGER,

    CONSTRAINT "ReportingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportingRollup" (
    "organizationId" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "kind" "ReportingEventKind" NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "channelType" TEXT NOT NULL DEFAULT '',
    "teamId" TEXT NOT NULL DEFAULT '',
    "agentId" TEXT NOT NULL DEFAULT '',
    "priority" TEXT NOT NULL DEFAULT '',
    "customerTier" TEXT NOT NULL DEFAULT '',
    "threadType" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "businessSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "met" INTEGER NOT NULL DEFAULT 0,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReportingRollup_pkey" PRIMARY KEY ("organizationId","kind","hour","target","channelType","teamId","agentId","priority","customerTier","threadType")
);

-- CreateIndex
CREATE INDEX "ReportingEvent_organizationId_kind_occurredAt_idx" ON "ReportingEvent"("organizationId", "kind", "occurredAt");

-- CreateIndex
CREATE INDEX "ReportingEvent_organizationId_occurredAt_idx" ON "ReportingEvent"("organizationId", "occurredAt");

-- CreateIndex
CREATE INDEX "ReportingEvent_taskId_idx" ON "ReportingEvent"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "ReportingEvent_threadId_kind_dedupeKey_key" ON "ReportingEvent"("threadId", "kind", "dedupeKey");

-- CreateIndex
CREATE INDEX "ReportingRollup_organizationId_hour_idx" ON "ReportingRollup"("organizationId", "hour");

-- AddForeignKey
ALTER TABLE "ReportingEvent" ADD CONSTRAINT "ReportingEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportingEvent" ADD CONSTRAINT "ReportingEvent_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportingRollup" ADD CONSTRAINT "ReportingRollup_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

