package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
)

// The search index (case_search, migration 0024) holds each case's texts as the
// search package's terms: on SQLite an FTS5 row whose rowid is the case's id, on
// PostgreSQL a tsvector with the terms' positions under a GIN index. It is written
// in the transaction that writes the text: a new case's row with its parties (and
// on PostgreSQL in the group-commit statement, aloneSQL), each note of its timeline
// appended to it by AppendEvents. Reindex rebuilds it from the cases.

// caseDocument is the index text of a new case: its place's terms (regionTerms),
// then everything of it that a clerk may remember and type, except ID numbers and
// phones, which are looked up whole.
func caseDocument(c *model.Case, evs []*model.CaseEvent) string {
	pieces := []string{c.Title, c.Description, c.Address}
	for _, p := range c.Parties {
		pieces = append(pieces, p.Name, p.Address)
	}
	for _, ev := range evs {
		pieces = append(pieces, ev.Note)
	}
	return joinTerms(regionTerms(c.RegionPath), search.Document(pieces...))
}

// regionMark starts the index term of a region. A case's index row holds the term of
// its region and of each region above it, so that a search within a subtree (the
// searcher's scope, a region filter) is one more term of the index's own query: the
// index intersects the word's matches with the subtree's, and a page or a count of
// a common word in a township stops after its own matches, instead of joining every
// match to its case to test the scope (392–552 ms for a 2-character word over 1M
// cases, docs/benchmarks.md). '§' is no character of search.Tokens' terms (there it
// separates words) and is a token character of FTS5's ascii tokenizer (as every
// non-ASCII one is), so no typed word finds the term or is found by it. The scope is
// still tested on the case's row too: the term narrows, it does not grant.
const regionMark = "§"

// regionTerms is the index terms of the region at path and of the regions above it
// ("/1/4/17/" → "§1 §4 §17"): a region's id names its subtree.
func regionTerms(path string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(path, "/", " "+regionMark)), " ")
}

// regionTerm is the index term of the subtree at path: its own region's.
func regionTerm(path string) string {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	return regionMark + ids[len(ids)-1]
}

// joinTerms joins index texts, skipping empty ones.
func joinTerms(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// insertSearch writes a new case's index row.
func (tx *Tx) insertSearch(ctx context.Context, caseID int64, doc string) error {
	if tx.s.dialect == Postgres {
		_, err := tx.exec(ctx, "INSERT INTO case_search (case_id, doc) VALUES (?, ?::tsvector)", caseID, search.TSVector(doc))
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO case_search (rowid, doc) VALUES (?, ?)", caseID, doc)
	return err
}

// appendSearch adds the terms of notes written to a case's timeline to its index row.
// A case indexed before its row existed (an upgrade not yet reindexed) gets one.
func (tx *Tx) appendSearch(ctx context.Context, caseID int64, notes ...string) error {
	doc := search.Document(notes...)
	if doc == "" {
		return nil
	}
	appendDoc := func() (int64, error) {
		var res sql.Result
		var err error
		if tx.s.dialect == Postgres {
			res, err = tx.exec(ctx, "UPDATE case_search SET doc = doc || ?::tsvector WHERE case_id = ?", search.TSVector(doc), caseID)
		} else {
			res, err = tx.exec(ctx, "UPDATE case_search SET doc = doc || ' ' || ? WHERE rowid = ?", doc, caseID)
		}
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if n, err := appendDoc(); err != nil || n > 0 {
		return err
	}
	if err := tx.reindexCase(ctx, caseID); err != nil {
		return err
	}
	_, err := appendDoc()
	return err
}

// reindexCase rewrites one case's index row from what is stored.
func (tx *Tx) reindexCase(ctx context.Context, caseID int64) error {
	docs, err := searchDocuments(ctx, tx.tx, tx.s.q, caseID, caseID)
	if err != nil {
		return err
	}
	return writeSearchRows(ctx, tx.tx, tx.s, caseID, caseID, docs)
}

// searchDocuments builds the index text of the cases with ids in [lo, hi] from the
// stored cases, parties and timeline notes.
func searchDocuments(ctx context.Context, q queryer, rebind func(string) string, lo, hi int64) (map[int64]*strings.Builder, error) {
	docs := map[int64]*strings.Builder{}
	add := func(id int64, texts ...string) {
		b := docs[id]
		if b == nil {
			b = &strings.Builder{}
			docs[id] = b
		}
		for _, t := range texts {
			if d := search.Document(t); d != "" {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(d)
			}
		}
	}
	read := func(query string, scan func(*sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, rebind(query), lo, hi)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	var id int64
	var a, b, c, path string
	if err := read("SELECT id, region_path, title, description, address FROM cases WHERE id BETWEEN ? AND ? ORDER BY id", func(r *sql.Rows) error {
		if err := r.Scan(&id, &path, &a, &b, &c); err != nil {
			return err
		}
		docs[id] = &strings.Builder{}
		docs[id].WriteString(regionTerms(path))
		add(id, a, b, c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("SELECT case_id, name, address FROM case_parties WHERE case_id BETWEEN ? AND ? ORDER BY case_id, seq", func(r *sql.Rows) error {
		if err := r.Scan(&id, &a, &b); err != nil {
			return err
		}
		if docs[id] != nil {
			add(id, a, b)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("SELECT case_id, note FROM case_events WHERE case_id BETWEEN ? AND ? AND note <> '' ORDER BY case_id, id", func(r *sql.Rows) error {
		if err := r.Scan(&id, &a); err != nil {
			return err
		}
		if docs[id] != nil {
			add(id, a)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return docs, nil
}

// execer is what writeSearchRows writes through: a transaction or a connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// writeSearchRows replaces the index rows of the cases with ids in [lo, hi] by docs.
func writeSearchRows(ctx context.Context, x execer, s *Store, lo, hi int64, docs map[int64]*strings.Builder) error {
	if s.dialect == Postgres {
		if _, err := x.ExecContext(ctx, "DELETE FROM case_search WHERE case_id BETWEEN $1 AND $2", lo, hi); err != nil {
			return err
		}
	} else if _, err := x.ExecContext(ctx, "DELETE FROM case_search WHERE rowid BETWEEN ? AND ?", lo, hi); err != nil {
		return err
	}
	const perStatement = 200
	ids := make([]int64, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += perStatement {
		part := ids[start:min(start+perStatement, len(ids))]
		var b strings.Builder
		args := make([]any, 0, 2*len(part))
		if s.dialect == Postgres {
			b.WriteString("INSERT INTO case_search (case_id, doc) VALUES ")
		} else {
			b.WriteString("INSERT INTO case_search (rowid, doc) VALUES ")
		}
		for i, id := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			doc := docs[id].String()
			if s.dialect == Postgres {
				fmt.Fprintf(&b, "($%d, $%d::tsvector)", 2*i+1, 2*i+2)
				args = append(args, id, search.TSVector(doc))
			} else {
				b.WriteString("(?, ?)")
				args = append(args, id, doc)
			}
		}
		if _, err := x.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// reindexBatch is how many cases Reindex rewrites in one transaction.
const reindexBatch = 2000

// Reindex rebuilds the search index of every case from the stored texts, a batch of
// ids a transaction, so that searches go on meanwhile (a case being rebuilt is
// found by its old row until its batch commits). It returns how many cases it
// indexed.
func (s *Store) Reindex(ctx context.Context, log *slog.Logger) (int, error) {
	return s.ReindexFrom(ctx, 1, log)
}

// ReindexFrom is Reindex of the cases from id lo on: after a bulk load, which
// writes no index rows.
func (s *Store) ReindexFrom(ctx context.Context, lo int64, log *slog.Logger) (int, error) {
	// Derived data rebuilt from what is stored: the index holds nothing the cases do
	// not, so its rebuilding changes nothing an audit would follow.
	rebuilt := NotAudited("the search index rebuilt from the stored cases")
	var hi int64
	if err := s.InTx(ctx, rebuilt, func(tx *Tx) error {
		return tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM cases").Scan(&hi)
	}); err != nil {
		return 0, err
	}
	n := 0
	for from := lo; from <= hi; from += reindexBatch {
		to := min(from+reindexBatch-1, hi)
		err := s.InTx(ctx, rebuilt, func(tx *Tx) error {
			docs, err := searchDocuments(ctx, tx.tx, s.q, from, to)
			if err != nil {
				return err
			}
			n += len(docs)
			return writeSearchRows(ctx, tx.tx, s, from, to, docs)
		})
		if err != nil {
			return n, fmt.Errorf("reindex cases %d–%d: %w", from, to, err)
		}
		if log != nil && (to-lo+1)%(50*reindexBatch) == 0 {
			log.Info("reindexing", "cases", n, "up_to_id", to)
		}
	}
	if lo <= 1 {
		if err := s.InTx(ctx, rebuilt, func(tx *Tx) error {
			_, err := tx.exec(ctx, "DELETE FROM search_reindex")
			return err
		}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// ReindexPending tells whether the index was never built over the stored cases
// (migration 0024 applied to a store that had some).
func (s *Store) ReindexPending(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM search_reindex").Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n > 0, err
}

// SearchIndexSize is the index's size in bytes on disk, for `onedoor bench`.
func (s *Store) SearchIndexSize(ctx context.Context) (int64, error) {
	var n int64
	if s.dialect == Postgres {
		err := s.r.QueryRowContext(ctx, "SELECT pg_total_relation_size('case_search')").Scan(&n)
		return n, err
	}
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'case_search%'`).Scan(&n)
	return n, err
}

// indexNotes appends the notes of events about to be written (a comment, a reply, an
// outcome's explanation) to their cases' index rows.
func (tx *Tx) indexNotes(ctx context.Context, evs []*model.CaseEvent) error {
	for i, ev := range evs {
		if ev.Note == "" {
			continue
		}
		notes := []string{ev.Note}
		seen := false
		for _, before := range evs[:i] {
			seen = seen || (before.CaseID == ev.CaseID && before.Note != "")
		}
		if seen {
			continue // written with the first note of its case
		}
		for _, after := range evs[i+1:] {
			if after.CaseID == ev.CaseID && after.Note != "" {
				notes = append(notes, after.Note)
			}
		}
		if err := tx.appendSearch(ctx, ev.CaseID, notes...); err != nil {
			return err
		}
	}
	return nil
}
