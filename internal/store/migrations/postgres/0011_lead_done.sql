-- A lead department's assignment is finished when it resolves the case (status
-- reported), as a co-handler's is when it reports; until now it stayed signed for
-- ever, so the case page showed a closed case's lead as 办理中 and a department's
-- work queue read its whole history. Cases already resolved get the same.
UPDATE case_assignments SET status = 'reported',
    reported_at = COALESCE(reported_at, (SELECT c.resolved_at FROM cases c WHERE c.id = case_assignments.case_id))
WHERE is_lead = TRUE AND status = 'signed'
  AND case_id IN (SELECT id FROM cases WHERE state IN ('resolved','verified','followed_up','archived'));

-- A department's live assignments, newest first: its work queue reads only these.
CREATE INDEX case_assignments_live ON case_assignments(department_id, case_id)
    WHERE status IN ('assigned','signed');

-- The supervision board lists open orders oldest first, a page at a time: walked in
-- that order it stops at a page, instead of sorting every open order.
CREATE INDEX supervisions_open_issued ON supervisions(status, issued_at, id);

-- Every page's header counts the user's unread notifications: from the unread ones
-- alone, not from every notification the user ever had.
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
