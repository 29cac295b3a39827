-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "shortcut" TEXT;

