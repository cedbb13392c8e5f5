-- Full-text search over a case's texts (title, description, address, parties' names
-- and addresses, every note of its timeline: comments, replies, outcomes). The text
-- is the search package's terms, space-separated (CJK bigrams, words), so FTS5's
-- ascii tokenizer only splits on spaces; the row's rowid is the case's id. Written
-- in the transaction that writes the text.
CREATE VIRTUAL TABLE case_search USING fts5(doc, tokenize = 'ascii');

-- Cases stored before the index existed are indexed by `onedoor reindex`, which the
-- server runs at start while this row is here.
CREATE TABLE search_reindex (pending INTEGER PRIMARY KEY);
INSERT INTO search_reindex (pending) VALUES (1);
