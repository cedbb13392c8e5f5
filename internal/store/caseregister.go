package store

import "context"

// NewCase is a new case as a service registers it (RegisterCase), in the forms the
// store's ways of writing a new case take. Which way is the store's business: the
// service describes the case, the store writes it the way its database writes new
// cases fastest.
type NewCase struct {
	// InTx writes the case and all that comes with it (its first events, the notices
	// and order its warning brings, the steps taken in the same go) inside tx, reading
	// what it needs (the case's history) through tx too. Required.
	InTx func(tx *Tx) error

	// Shared, when set, writes the case with w.Insert, alone in its transaction but
	// sharing one statement with the other cases registered at the same moment. It
	// reads what it needs before the write, outside any transaction, and may call
	// w.Insert again with a fresh tracking code on ErrConflict. Leave it nil when
	// something more must be written in the case's transaction.
	Shared func(w SharedInsert) error
}

// RegisterCase writes a new case, with the audit entry e (whose object InTx names
// with Tx.SetAuditObject, and the shared insert itself, once the case has its id),
// and returns once it has committed.
//
// On SQLite it runs nc.InTx in the group commit (groupcommit.go): registrations
// arriving together share one transaction and one fsync. The case's history is read
// inside it, on the writer: read before, on a reader connection whose page cache every
// commit empties, intake took more of the server's CPU a case (`onedoor bench -what
// intake`).
//
// On PostgreSQL it runs nc.Shared when set (sharedinsert.go), else nc.InTx in a
// transaction of its own: PostgreSQL's connections write in parallel and the server
// flushes concurrent commits together, while the cost a registration keeps is its
// round trips, which the shared insert makes one.
func (s *Store) RegisterCase(ctx context.Context, e AuditEntry, nc NewCase) error {
	if err := e.check(); err != nil {
		return err
	}
	if s.dialect != Postgres {
		return s.groupCommit(ctx, e, nc.InTx)
	}
	if nc.Shared != nil {
		return nc.Shared(SharedInsert{s: s, audit: e})
	}
	return s.InTx(ctx, e, nc.InTx)
}
