-- 吹哨报到 holds each department to account: a co-handling department's part has its
-- own deadline, set when it is whistled in (by the co_handle rule or by the centre),
-- with the basis it was set on, and a flag the deadline sweep keeps (将到期/已超期).
ALTER TABLE case_assignments ADD COLUMN due_at TIMESTAMP;
ALTER TABLE case_assignments ADD COLUMN due_flag TEXT NOT NULL DEFAULT '';
ALTER TABLE case_assignments ADD COLUMN due_basis TEXT NOT NULL DEFAULT '';
-- The sweep reads only the live parts that carry a deadline.
CREATE INDEX case_assignments_due ON case_assignments(due_flag, due_at)
    WHERE status IN ('assigned','signed') AND due_at IS NOT NULL;

INSERT INTO deadline_rules (kind, category_code, urgency, stage, days, workdays, basis) VALUES ('', '', '', 'co_handle', 10, TRUE, '协办单位自吹哨之日起10个工作日内反馈办理情况(通行做法),且不晚于案件办理期限');
INSERT INTO deadline_rules (kind, category_code, urgency, stage, days, workdays, basis) VALUES ('', '', 'urgent', 'co_handle', 2, FALSE, '急件协办2日内反馈(通行做法)');
INSERT INTO deadline_rules (kind, category_code, urgency, stage, days, workdays, basis) VALUES ('', '', 'critical', 'co_handle', 1, FALSE, '紧急事项协办1日内反馈(通行做法)');

-- A leader reads each answer to a supervision order (阅知) and so takes it off their
-- 待审批 queue.
ALTER TABLE supervisions ADD COLUMN reviewed_by INTEGER REFERENCES users(id);
ALTER TABLE supervisions ADD COLUMN reviewed_at TIMESTAMP;

-- Who is at the centre: departments stationed there, 常驻 (resident), 轮驻 (on the
-- weekdays listed, 1 = Monday … 7 = Sunday) or 随驻 (on call, at a duty phone).
CREATE TABLE centre_stations (
    id            INTEGER PRIMARY KEY,
    centre_id     INTEGER NOT NULL REFERENCES regions(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    mode          TEXT NOT NULL,            -- resident, rotating, on_call
    weekdays      TEXT NOT NULL DEFAULT '', -- rotating: "1,3,5"
    place         TEXT NOT NULL DEFAULT '', -- the window or room
    phone         TEXT NOT NULL DEFAULT '', -- on call: the department's duty phone
    UNIQUE (centre_id, department_id)
);

-- Leaders' turns: 值班 (a day), 值周 (a week) and 领导接访 (a reception day), from one
-- day to another, both included (YYYY-MM-DD, China time, as calendar_days).
CREATE TABLE duty_shifts (
    id        INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES regions(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    kind      TEXT NOT NULL, -- duty, week, reception
    from_day  TEXT NOT NULL,
    to_day    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX duty_shifts_centre ON duty_shifts(centre_id, to_day);
