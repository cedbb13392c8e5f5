-- Nothing on SQLite: its one writer chains each audit entry in the transaction that
-- records it (PostgreSQL's 0012 adds audit_pending, for writers that run in parallel).
SELECT 1;
