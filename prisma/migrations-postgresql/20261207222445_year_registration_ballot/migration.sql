-- AlterTable
ALTER TABLE "Bloc" ADD COLUMN     "ballotThreshold" INTEGER NOT NULL DEFAULT 50,
ADD COLUMN     "registrationTitles" TEXT;

-- CreateTable
CREATE TABLE "RegistrationRound" (
    "id" SERIAL NOT NULL,
    "blocId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "titles" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "openedBy" TEXT NOT NULL,
    "lastReminderSlot" INTEGER,

    CONSTRAINT "RegistrationRound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Registration" (
    "id" SERIAL NOT NULL,
    "roundId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "titles" TEXT NOT NULL,
    "commitments" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'AWAITING',
    "late" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "submittedBy" INTEGER NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" INTEGER,
    "reason" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "Registration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ballot" (
    "id" SERIAL NOT NULL,
    "blocId" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "candidates" TEXT NOT NULL,
    "choose" INTEGER NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 1,
    "electorate" TEXT NOT NULL,
    "quorum" INTEGER NOT NULL,
    "thresholdPercent" INTEGER NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "openedAt" TIMESTAMP(3) NOT NULL,
    "openedBy" TEXT NOT NULL,
    "closedAt" TIMESTAMP(3),
    "box" TEXT,
    "boxVersion" INTEGER NOT NULL DEFAULT 0,
    "salt" TEXT,
    "lastReminderSlot" INTEGER,

    CONSTRAINT "Ballot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BallotVoter" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,

    CONSTRAINT "BallotVoter_pkey" PRIMARY KEY ("ballotId","round","unitId")
);

-- CreateTable
CREATE TABLE "BallotCount" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "candidateId" INTEGER NOT NULL,
    "votes" INTEGER NOT NULL,

    CONSTRAINT "BallotCount_pkey" PRIMARY KEY ("ballotId","round","candidateId")
);

-- CreateTable
CREATE TABLE "BallotRound" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "candidates" TEXT NOT NULL,
    "choose" INTEGER NOT NULL,
    "eligible" INTEGER NOT NULL,
    "voted" INTEGER NOT NULL,
    "quorum" INTEGER NOT NULL,
    "needed" INTEGER NOT NULL,
    "valid" BOOLEAN NOT NULL,
    "elected" TEXT NOT NULL,
    "tied" TEXT NOT NULL,
    "closedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BallotRound_pkey" PRIMARY KEY ("ballotId","round")
);

-- CreateIndex
CREATE UNIQUE INDEX "RegistrationRound_blocId_year_key" ON "RegistrationRound"("blocId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "Registration_roundId_unitId_key" ON "Registration"("roundId", "unitId");
