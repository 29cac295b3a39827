-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "retentionDays" INTEGER;

