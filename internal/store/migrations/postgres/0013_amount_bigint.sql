-- A case's amount at stake is in fen, and intake accepts up to 100 billion yuan: far
-- past INTEGER's 2^31 fen (21 million yuan), which a land-requisition or wage dispute
-- can exceed. SQLite's INTEGER is 64-bit already.
ALTER TABLE cases ALTER COLUMN amount_fen TYPE BIGINT;
