-- The audit chain is keyed (HMAC-SHA256 with a key kept outside the database, see
-- docs/audit.md): each row names the key it was sealed with, '' for the rows chained
-- before keying began, which keep their plain SHA-256. audit_head names the key the
-- chain was adopted to, so that a node holding another key refuses to extend it.
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
