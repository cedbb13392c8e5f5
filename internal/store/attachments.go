package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/onedoor/onedoor/internal/model"
)

// InsertAttachment stores a file with a case.
func (tx *Tx) InsertAttachment(ctx context.Context, a *model.Attachment, data []byte) error {
	return tx.queryRow(ctx, `INSERT INTO case_attachments (case_id, name, content_type, size, sha256, data, uploaded_by, created_at, kept_original)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.CaseID, a.Name, a.ContentType, a.Size, a.SHA256, data,
		nullInt64(a.UploadedBy), a.CreatedAt.UTC(), a.KeptOriginal).Scan(&a.ID)
}

// Attachments lists a case's files (without their bytes).
func (s *Store) Attachments(ctx context.Context, caseID int64) ([]model.Attachment, error) {
	rows, err := s.query(ctx, `SELECT id, case_id, name, content_type, size, sha256, COALESCE(uploaded_by, 0), created_at, kept_original
		FROM case_attachments WHERE case_id = ? ORDER BY id`, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (model.Attachment, error) {
		var a model.Attachment
		err := r.Scan(&a.ID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.CreatedAt, &a.KeptOriginal)
		return a, err
	})
}

// AttachmentData returns one file of a case with its bytes. The caller has already
// checked the case is in the actor's scope; the case id here stops a guessed
// attachment id from reaching another case's file.
func (s *Store) AttachmentData(ctx context.Context, caseID, id int64) (model.Attachment, []byte, error) {
	var a model.Attachment
	var data []byte
	err := s.queryRow(ctx, `SELECT id, case_id, name, content_type, size, sha256, COALESCE(uploaded_by, 0), created_at, kept_original, data
		FROM case_attachments WHERE id = ? AND case_id = ?`, id, caseID).
		Scan(&a.ID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.CreatedAt, &a.KeptOriginal, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	return a, data, err
}
