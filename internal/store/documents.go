package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/documents"
)

const templateCols = "t.kind, t.version, t.title, t.prefix, t.body, t.closing, t.note, COALESCE(t.created_by, 0), COALESCE(u.display_name, ''), t.created_at"

func scanTemplate(r interface{ Scan(...any) error }) (documents.Template, error) {
	var t documents.Template
	var kind string
	err := r.Scan(&kind, &t.Version, &t.Title, &t.Prefix, &t.Body, &t.Closing, &t.Note, &t.By, &t.ByName, &t.At)
	t.Kind, t.At = documents.Kind(kind), t.At.UTC()
	return t, err
}

// DocumentTemplate reads the wording of kind in force: its newest saved version;
// ErrNotFound while none was saved (the embedded default applies).
func (s *Store) DocumentTemplate(ctx context.Context, kind documents.Kind) (documents.Template, error) {
	t, err := scanTemplate(s.queryRow(ctx, "SELECT "+templateCols+` FROM document_templates t LEFT JOIN users u ON u.id = t.created_by
		WHERE t.kind = ? ORDER BY t.version DESC LIMIT 1`, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// DocumentTemplateVersions lists the saved versions of kind, newest first: who
// changed the wording, when and why.
func (s *Store) DocumentTemplateVersions(ctx context.Context, kind documents.Kind, limit int) ([]documents.Template, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.query(ctx, "SELECT "+templateCols+` FROM document_templates t LEFT JOIN users u ON u.id = t.created_by
		WHERE t.kind = ? ORDER BY t.version DESC LIMIT ?`, string(kind), limit)
	return scanAll(rows, err, func(r *sql.Rows) (documents.Template, error) { return scanTemplate(r) })
}

// SaveDocumentTemplate keeps t as the newest version of its kind (t.Version is set);
// earlier versions stay, so every issued document names the wording it was made with.
func (s *Store) SaveDocumentTemplate(ctx context.Context, e AuditEntry, t *documents.Template) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		var last int
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM document_templates WHERE kind = ?", string(t.Kind)).Scan(&last); err != nil {
			return err
		}
		t.Version, t.At = last+1, now()
		_, err := tx.exec(ctx, `INSERT INTO document_templates (kind, version, title, prefix, body, closing, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(t.Kind), t.Version, t.Title, t.Prefix, t.Body, t.Closing, t.Note, nullInt64(t.By), t.At)
		if isUniqueViolation(err) { // another administrator saved the same kind at once
			return fmt.Errorf("document template %s: %w", t.Kind, ErrStale)
		}
		tx.SetAuditObject("document_template:" + string(t.Kind))
		return err
	})
}

// IssuedDocument is a document as it was issued: its number, who issued it and
// when, and its content as it printed, so a reprint is the same page.
type IssuedDocument struct {
	ID           int64              `json:"id"`
	CaseID       int64              `json:"case_id"`
	Kind         documents.Kind     `json:"kind"`
	IssuerID     int64              `json:"issuer_id"` // the issuing centre's region
	Year         int                `json:"year"`
	Seq          int                `json:"seq,omitempty"`
	Number       string             `json:"number,omitempty"`
	RefID        int64              `json:"ref_id,omitempty"` // the supervision order or assignment it prints
	Content      documents.Document `json:"content"`
	IssuedBy     int64              `json:"issued_by,omitempty"`
	IssuedByName string             `json:"issued_by_name,omitempty"`
	IssuedAt     time.Time          `json:"issued_at"`
}

// IssueDocument records d, numbered when its kind is: the next number of the issuing
// centre, kind and year (d.Year, from d.IssuedAt) is taken from its counter row in
// the same transaction as the record, so two clerks issuing at once get consecutive
// numbers, and a transaction that fails takes none. prefix is the 机关代字 the number
// begins with. d's ID, Seq and Number (also d.Content.Number) are set.
func (s *Store) IssueDocument(ctx context.Context, e AuditEntry, d *IssuedDocument, prefix string) error {
	d.IssuedAt = d.IssuedAt.UTC()
	d.Year = documents.Year(d.IssuedAt)
	return s.InTx(ctx, e, func(tx *Tx) error {
		// A kind the centre does not number keeps the number its content carries
		// (an agreement's, given by its organisation), or none.
		d.Seq, d.Number = 0, d.Content.Number
		if d.Kind.Numbered() {
			// The upsert takes the counter row's lock (PostgreSQL) inside the one
			// writer (SQLite): a concurrent issue waits here until this one ends.
			if err := tx.queryRow(ctx, `INSERT INTO document_counters (issuer_id, kind, year, last_seq) VALUES (?, ?, ?, 1)
				ON CONFLICT (issuer_id, kind, year) DO UPDATE SET last_seq = document_counters.last_seq + 1
				RETURNING last_seq`, d.IssuerID, string(d.Kind), d.Year).Scan(&d.Seq); err != nil {
				return fmt.Errorf("document counter: %w", err)
			}
			d.Number = documents.Number(prefix, d.Year, d.Seq)
		}
		d.Content.Number = d.Number
		content, err := json.Marshal(d.Content)
		if err != nil {
			return err
		}
		d.ID, err = tx.insertID(ctx, `INSERT INTO issued_documents (case_id, kind, issuer_id, year, seq, number, ref_id, template_version, content, issued_by, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.CaseID, string(d.Kind), d.IssuerID, d.Year, d.Seq, d.Number, d.RefID,
			d.Content.TemplateVersion, string(content), nullInt64(d.IssuedBy), d.IssuedAt)
		if err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("case:%d", d.CaseID))
		return nil
	})
}

const issuedCols = `d.id, d.case_id, d.kind, d.issuer_id, d.year, d.seq, d.number, d.ref_id, d.content, COALESCE(d.issued_by, 0),
	COALESCE(u.display_name, ''), d.issued_at`

func scanIssued(r interface{ Scan(...any) error }) (IssuedDocument, error) {
	var d IssuedDocument
	var kind, content string
	if err := r.Scan(&d.ID, &d.CaseID, &kind, &d.IssuerID, &d.Year, &d.Seq, &d.Number, &d.RefID, &content, &d.IssuedBy, &d.IssuedByName, &d.IssuedAt); err != nil {
		return d, err
	}
	d.Kind, d.IssuedAt = documents.Kind(kind), d.IssuedAt.UTC()
	if err := json.Unmarshal([]byte(content), &d.Content); err != nil {
		return d, fmt.Errorf("issued document %d: %w", d.ID, err)
	}
	return d, nil
}

// IssuedDocuments lists the documents issued on a case, oldest first.
func (s *Store) IssuedDocuments(ctx context.Context, caseID int64) ([]IssuedDocument, error) {
	rows, err := s.query(ctx, "SELECT "+issuedCols+` FROM issued_documents d LEFT JOIN users u ON u.id = d.issued_by
		WHERE d.case_id = ? ORDER BY d.issued_at, d.id`, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (IssuedDocument, error) { return scanIssued(r) })
}

// IssuedDocumentByID reads one issued document; the caller checks its case is in
// the reader's sight.
func (s *Store) IssuedDocumentByID(ctx context.Context, id int64) (IssuedDocument, error) {
	d, err := scanIssued(s.queryRow(ctx, "SELECT "+issuedCols+` FROM issued_documents d LEFT JOIN users u ON u.id = d.issued_by WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// DocumentNumbers lists the sequence numbers issued by one centre for one kind and
// year, in order: what a register of numbers (and the tests of gaps) reads.
func (s *Store) DocumentNumbers(ctx context.Context, issuerID int64, kind documents.Kind, year int) ([]int, error) {
	rows, err := s.query(ctx, "SELECT seq FROM issued_documents WHERE issuer_id = ? AND kind = ? AND year = ? AND seq > 0 ORDER BY seq",
		issuerID, string(kind), year)
	return scanAll(rows, err, func(r *sql.Rows) (int, error) {
		var n int
		return n, r.Scan(&n)
	})
}
