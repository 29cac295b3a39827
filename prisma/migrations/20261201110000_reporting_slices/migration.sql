-- CreateTable
CREATE TABLE "ReportingSlice" (
    "organizationId" UUID NOT NULL,
    "kind" "ReportingEventKind" NOT NULL,
    "grain" TEXT NOT NULL,
    "dimension" TEXT NOT NULL DEFAULT '',
    "bucket" TIMESTAMP(3) NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "dimValue" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "businessSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "met" INTEGER NOT NULL DEFAULT 0,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReportingSlice_pkey" PRIMARY KEY ("organizationId","kind","grain","dimension","bucket","target","dimValue")
);

-- AddForeignKey
ALTER TABLE "ReportingSlice" ADD CONSTRAINT "ReportingSlice_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

