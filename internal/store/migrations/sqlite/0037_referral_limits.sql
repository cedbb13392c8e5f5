-- A referral's time limit (法院委派/委托调解的期限) is swept: the responsible people are
-- reminded before it (limit_reminded) and a referral still open after it is marked
-- lapsed on its case (limit_lapsed), each once.
ALTER TABLE case_referrals ADD COLUMN limit_reminded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_referrals ADD COLUMN limit_lapsed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX case_referrals_open_limit ON case_referrals(time_limit) WHERE status = 'open' AND time_limit <> '' AND limit_lapsed = FALSE;
