-- CreateEnum
CREATE TYPE "SlaAction" AS ENUM ('REMIND', 'ALERT', 'ESCALATE', 'EXECUTIVE_ALERT');

-- CreateEnum
CREATE TYPE "SlaTarget" AS ENUM ('FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION');

-- CreateEnum
CREATE TYPE "SlaNotifyTarget" AS ENUM ('ASSIGNEE', 'TEAM_LEAD', 'MANAGERS', 'ADMINS');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('SLA_ALERT', 'ASSIGNMENT', 'TASK_REMINDER', 'MENTION');

-- CreateEnum
CREATE TYPE "UserAvailability" AS ENUM ('ONLINE', 'AWAY', 'OFFLINE');

-- CreateEnum
CREATE TYPE "AssignmentStrategy" AS ENUM ('ROUND_ROBIN', 'LEAST_LOADED', 'MANUAL');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "availability" "UserAvailability" NOT NULL DEFAULT 'OFFLINE',
ADD COLUMN     "lastSeenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "assignmentStrategy" "AssignmentStrategy" NOT NULL DEFAULT 'MANUAL',
ADD COLUMN     "maxOpenPerAgent" INTEGER,
ADD COLUMN     "reassignAfterSeconds" INTEGER;

-- AlterTable
ALTER TABLE "TeamMembership" ADD COLUMN     "lastAssignedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "language" TEXT;

-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "slaPolicyId" UUID,
ADD COLUMN     "slaStartedAt" TIMESTAMP(3),
ADD COLUMN     "firstResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "nextResponseStartedAt" TIMESTAMP(3),
ADD COLUMN     "nextResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "resolutionDueAt" TIMESTAMP(3),
ADD COLUMN     "slaPausedAt" TIMESTAMP(3),
ADD COLUMN     "slaPauses" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "requiredSkills" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "queuedAt" TIMESTAMP(3),
ADD COLUMN     "assignedAt" TIMESTAMP(3),
ADD COLUMN     "slaDueAt" TIMESTAMP(3),
ADD COLUMN     "slaAtRiskAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "BusinessCalendar" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "hours" JSONB NOT NULL DEFAULT '[]',
    "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "holidayCountry" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessCalendar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaPolicy" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "firstResponseSeconds" INTEGER,
    "nextResponseSeconds" INTEGER,
    "resolutionSeconds" INTEGER,
    "calendarId" UUID,
    "conditions" JSONB NOT NULL DEFAULT '{}',
    "rank" INTEGER NOT NULL DEFAULT 100,
    "escalation" JSONB NOT NULL DEFAULT '[]',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlaPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaEvent" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "threadId" UUID NOT NULL,
    "policyId" UUID,
    "target" "SlaTarget" NOT NULL,
    "action" "SlaAction" NOT NULL,
    "step" INTEGER NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "percentUsed" DOUBLE PRECISION NOT NULL,
    "recipientIds" UUID[] DEFAULT ARRAY[]::UUID[],

    CONSTRAINT "SlaEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT,
    "threadId" UUID,
    "taskId" UUID,
    "slaEventId" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoutingRule" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '{}',
    "teamId" UUID NOT NULL,
    "requiredSkills" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rank" INTEGER NOT NULL DEFAULT 100,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RoutingRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BusinessCalendar_organizationId_name_key" ON "BusinessCalendar"("organizationId", "name");

-- CreateIndex
CREATE INDEX "SlaPolicy_organizationId_isActive_rank_idx" ON "SlaPolicy"("organizationId", "isActive", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "SlaPolicy_organizationId_name_key" ON "SlaPolicy"("organizationId", "name");

-- CreateIndex
CREATE INDEX "SlaEvent_organizationId_firedAt_idx" ON "SlaEvent"("organizationId", "firedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "SlaEvent_threadId_target_step_dueAt_key" ON "SlaEvent"("threadId", "target", "step", "dueAt");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_idx" ON "Notification"("userId", "readAt");

-- CreateIndex
CREATE INDEX "RoutingRule_organizationId_isActive_rank_idx" ON "RoutingRule"("organizationId", "isActive", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "RoutingRule_organizationId_name_key" ON "RoutingRule"("organizationId", "name");

-- CreateIndex
CREATE INDEX "Thread_organizationId_teamId_queuedAt_idx" ON "Thread"("organizationId", "teamId", "queuedAt");

-- CreateIndex
CREATE INDEX "Thread_organizationId_slaAtRiskAt_idx" ON "Thread"("organizationId", "slaAtRiskAt");

-- AddForeignKey
ALTER TABLE "Thread" ADD CONSTRAINT "Thread_slaPolicyId_fkey" FOREIGN KEY ("slaPolicyId") REFERENCES "SlaPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessCalendar" ADD CONSTRAINT "BusinessCalendar_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaPolicy" ADD CONSTRAINT "SlaPolicy_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaPolicy" ADD CONSTRAINT "SlaPolicy_calendarId_fkey" FOREIGN KEY ("calendarId") REFERENCES "BusinessCalendar"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaEvent" ADD CONSTRAINT "SlaEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaEvent" ADD CONSTRAINT "SlaEvent_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "Thread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaEvent" ADD CONSTRAINT "SlaEvent_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "SlaPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutingRule" ADD CONSTRAINT "RoutingRule_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutingRule" ADD CONSTRAINT "RoutingRule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

