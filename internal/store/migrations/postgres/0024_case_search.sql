-- Full-text search over a case's texts (title, description, address, parties' names
-- and addresses, every note of its timeline: comments, replies, outcomes). The
-- tsvector holds the search package's terms with their positions (CJK bigrams,
-- words), built in Go rather than by to_tsvector, so both stores find the same
-- cases. Written in the transaction that writes the text.
CREATE TABLE case_search (
	case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	doc     TSVECTOR NOT NULL
);
CREATE INDEX case_search_doc ON case_search USING gin (doc);

-- Cases stored before the index existed are indexed by `onedoor reindex`, which the
-- server runs at start while this row is here.
CREATE TABLE search_reindex (pending INTEGER PRIMARY KEY);
INSERT INTO search_reindex (pending) VALUES (1);
