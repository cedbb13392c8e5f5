-- Nothing on SQLite: its INTEGER holds 64 bits (PostgreSQL's 0013 widens amount_fen).
SELECT 1;
