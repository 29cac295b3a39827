-- CreateEnum
CREATE TYPE "IdentityKind" AS ENUM ('WHATSAPP_ID', 'WHATSAPP_BSUID', 'EMAIL', 'PHONE', 'CHATWOOT_CONTACT', 'PARTNER');

-- CreateEnum
CREATE TYPE "InboundEventStatus" AS ENUM ('RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('INGEST', 'READ', 'WRITE', 'ANALYTICS');

-- CreateEnum
CREATE TYPE "DeliveryAttemptStatus" AS ENUM ('STARTED', 'SUCCEEDED', 'FAILED');

-- AlterEnum
ALTER TYPE "MessageType" ADD VALUE 'CALL_LOG';

-- AlterEnum
ALTER TYPE "ActorType" ADD VALUE 'API_KEY';

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "lastInboundAt" TIMESTAMP(3),
ADD COLUMN     "lastSendAt" TIMESTAMP(3),
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "lastErrorAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "internetMessageId" TEXT;

-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "actorApiKeyId" UUID;

-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "subpath" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "query" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "status" "InboundEventStatus" NOT NULL DEFAULT 'RECEIVED',
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "result" JSONB;

-- CreateTable
CREATE TABLE "CustomerIdentity" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "kind" "IdentityKind" NOT NULL,
    "value" TEXT NOT NULL,
    "channelId" UUID,
    "scope" TEXT NOT NULL DEFAULT '',
    "optedOutAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "singletonKey" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" "ApiKeyScope"[],
    "channelId" UUID,
    "createdById" UUID,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageDelivery" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "messageId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" "DeliveryAttemptStatus" NOT NULL DEFAULT 'STARTED',
    "httpStatus" INTEGER,
    "errorCode" TEXT,
    "error" TEXT,
    "durationMs" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "MessageDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerIdentity_customerId_idx" ON "CustomerIdentity"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerIdentity_organizationId_kind_scope_value_key" ON "CustomerIdentity"("organizationId", "kind", "scope", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Job_singletonKey_key" ON "Job"("singletonKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_queue_status_idx" ON "Job"("queue", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_organizationId_idx" ON "ApiKey"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "MessageDelivery_messageId_attempt_key" ON "MessageDelivery"("messageId", "attempt");

-- CreateIndex
CREATE INDEX "Message_channelId_internetMessageId_idx" ON "Message"("channelId", "internetMessageId");

-- CreateIndex
CREATE INDEX "InboundEvent_status_receivedAt_idx" ON "InboundEvent"("status", "receivedAt");

-- AddForeignKey
ALTER TABLE "CustomerIdentity" ADD CONSTRAINT "CustomerIdentity_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerIdentity" ADD CONSTRAINT "CustomerIdentity_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerIdentity" ADD CONSTRAINT "CustomerIdentity_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageDelivery" ADD CONSTRAINT "MessageDelivery_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageDelivery" ADD CONSTRAINT "MessageDelivery_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Data: WhatsApp ids, e-mail addresses and phone numbers become identities
INSERT INTO "CustomerIdentity" ("id", "organizationId", "customerId", "kind", "value", "updatedAt")
SELECT gen_random_uuid(), "organizationId", "id", 'WHATSAPP_ID', "waId", CURRENT_TIMESTAMP FROM "Customer" WHERE "waId" IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO "CustomerIdentity" ("id", "organizationId", "customerId", "kind", "value", "updatedAt")
SELECT gen_random_uuid(), "organizationId", "id", 'WHATSAPP_BSUID', "waBsuid", CURRENT_TIMESTAMP FROM "Customer" WHERE "waBsuid" IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO "CustomerIdentity" ("id", "organizationId", "customerId", "kind", "value", "updatedAt")
SELECT DISTINCT ON ("organizationId", lower("email")) gen_random_uuid(), "organizationId", "id", 'EMAIL', lower("email"), CURRENT_TIMESTAMP
  FROM "Customer" WHERE "email" IS NOT NULL AND "deletedAt" IS NULL ORDER BY "organizationId", lower("email"), "createdAt"
ON CONFLICT DO NOTHING;
INSERT INTO "CustomerIdentity" ("id", "organizationId", "customerId", "kind", "value", "updatedAt")
SELECT DISTINCT ON ("organizationId", "phone") gen_random_uuid(), "organizationId", "id", 'PHONE', "phone", CURRENT_TIMESTAMP
  FROM "Customer" WHERE "phone" IS NOT NULL AND "deletedAt" IS NULL ORDER BY "organizationId", "phone", "createdAt"
ON CONFLICT DO NOTHING;

-- Data: the status of stored webhook events
UPDATE "InboundEvent" SET "status" = CASE WHEN "processedAt" IS NOT NULL THEN 'PROCESSED'::"InboundEventStatus" WHEN "error" IS NOT NULL THEN 'FAILED'::"InboundEventStatus" ELSE 'RECEIVED'::"InboundEventStatus" END,
  "attempts" = CASE WHEN "processedAt" IS NOT NULL OR "error" IS NOT NULL THEN 1 ELSE 0 END;

-- DropIndex
DROP INDEX "Customer_organizationId_waId_key";

-- DropIndex
DROP INDEX "Customer_organizationId_waBsuid_key";

-- AlterTable
ALTER TABLE "Customer" DROP COLUMN "waBsuid",
DROP COLUMN "waId";

