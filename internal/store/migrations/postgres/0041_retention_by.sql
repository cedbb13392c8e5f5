-- onedoor:compatible-from 0040
-- Who last set a kind's retention period (the admin page shows it beside when): the
-- user's name, or "retention" for the command line.
ALTER TABLE retention_rules ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
