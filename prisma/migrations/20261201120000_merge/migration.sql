-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "mergedIntoId" UUID;

-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "mergedIntoId" UUID;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Thread" ADD CONSTRAINT "Thread_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Thread"("id") ON DELETE SET NULL ON UPDATE CASCADE;

