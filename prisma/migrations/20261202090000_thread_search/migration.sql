-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "searchDocument" tsvector;

-- CreateIndex
CREATE INDEX "Thread_searchDocument_idx" ON "Thread" USING GIN ("searchDocument");
