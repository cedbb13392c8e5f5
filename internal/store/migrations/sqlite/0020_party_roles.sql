-- A group case counts its households beside its people, and an agent or a guardian
-- names the party they act for (its seq; 0 for every other role). The new roles
-- (representative, third_party, agent, guardian) need no column: role is text.
ALTER TABLE cases ADD COLUMN households INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_parties ADD COLUMN acts_for INTEGER NOT NULL DEFAULT 0;
