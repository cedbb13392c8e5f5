-- Placeholder on branch i20-audit only: 0014 is assigned to another branch of issue 20
-- (i20-limits). The migrations must be numbered without a gap, so this keeps 0015
-- loadable here; drop this file when merging, keeping the other branch's 0014.
SELECT 1;
