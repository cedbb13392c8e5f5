-- onedoor:compatible-from 0043
-- 研判's people who keep coming back (store.RepeatPeople) join the 90 days' cases with
-- their coming parties. The registration index cases_created already carries the
-- case's region and state; a case's parties' index now carries the party's role and
-- identity too, so the join reads the window's entries of both indexes and no party
-- row. It keeps its key: what read it before reads it the same way.
DROP INDEX case_parties_case;
CREATE INDEX case_parties_case ON case_parties(case_id, role, id_number, phone, name, address);
