package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
)

// A keyed chain cannot be rewritten without the key, but its end can be cut: delete
// the last rows, point audit_head at the new last one, and what is left holds
// together. So a server writes the head down where the database's writer cannot
// rewrite it — at start, at shutdown and every -audit-anchor-every — as a line
// appended to a file (O_APPEND, fsynced) and, when a webhook is set, posted to it,
// signed as notifications are. audit-verify checks the chain against the anchors and
// names the rows missing from its end. Several nodes on one PostgreSQL each anchor
// what they see; anchors are judged by sequence, not by the order of their lines.

// Anchorer writes anchors of one store's chain.
type Anchorer struct {
	Store   *store.Store
	Path    string          // the append-only anchor file
	Webhook *notify.Webhook // nil for none
	Node    string          // this process, as anchors name it
	Now     func() time.Time
	Log     *slog.Logger // required
}

// AnchorKind is the webhook payload's kind for an anchor.
const AnchorKind = "audit.anchor"

// Anchor writes the chain's head now, for reason (start, interval, shutdown, setup,
// demo). The file must take it; a webhook that does not is logged and left for the
// next anchor.
func (a *Anchorer) Anchor(ctx context.Context, reason string) (store.AuditAnchor, error) {
	head, err := a.Store.AuditHead(ctx)
	if err != nil {
		return head, fmt.Errorf("audit anchor: %w", err)
	}
	head.At, head.Node, head.Reason = a.Now().UTC(), a.Node, reason
	if ids := a.Store.AuditKeyIDs(); len(ids) > 0 {
		head.KeyID = ids[len(ids)-1]
	}
	line, err := json.Marshal(head)
	if err != nil {
		return head, err
	}
	if err := appendLine(a.Path, line); err != nil {
		return head, fmt.Errorf("audit anchor file: %w", err)
	}
	if a.Webhook != nil {
		body, _ := json.Marshal(struct {
			Kind string `json:"kind"`
			store.AuditAnchor
		}{AnchorKind, head})
		// An anchor in the file is posted too, even when the server is stopping the
		// interval's anchoring meanwhile: the two records must not disagree.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := a.Webhook.Post(pctx, body, "")
		cancel()
		if err != nil {
			a.Log.Warn("audit anchor: webhook", "seq", head.Seq, "err", err)
		}
	}
	a.Log.Info("audit chain anchored", "seq", head.Seq, "reason", reason, "file", a.Path)
	return head, nil
}

// WarnIfBehind logs an error when the chain ends before the latest anchor: rows were
// cut from its end, or the database was restored from a backup older than the
// anchors. audit-verify names the rows; the server starts all the same, since a
// restored deployment must serve.
func (a *Anchorer) WarnIfBehind(ctx context.Context) {
	anchors, err := ReadAnchors(a.Path)
	if err != nil {
		a.Log.Error("audit anchors unreadable: audit-verify will fail until the file is repaired", "err", err)
		return
	}
	head, err := a.Store.AuditHead(ctx)
	if err != nil {
		a.Log.Error("audit head", "err", err)
		return
	}
	for _, an := range anchors {
		if an.Seq > head.Seq {
			a.Log.Error("the audit log ends before an anchor of its head: rows are missing from its end (run onedoor audit-verify; docs/audit.md)",
				"log_ends_at", head.Seq, "anchor_seq", an.Seq, "anchor_at", an.At, "anchor_node", an.Node, "anchor_file", a.Path)
			return
		}
	}
}

// Run anchors at every tick until ctx ends: serve gives it a ticker of
// -audit-anchor-every, a test its own channel.
func (a *Anchorer) Run(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			if _, err := a.Anchor(ctx, "interval"); err != nil && ctx.Err() == nil {
				a.Log.Error("audit anchor", "err", err)
			}
		}
	}
}

// appendLine appends line and a newline to path in one write, opened O_APPEND so
// that it never overwrites what is there, and fsyncs it (and the folder, when the
// file is new) before returning.
func appendLine(path string, line []byte) error {
	_, statErr := os.Stat(path)
	if errors.Is(statErr, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	_, werr := f.Write(append(line, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return err
	}
	if statErr != nil {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

// ReadAnchors reads the anchors in path; none when it does not exist.
func ReadAnchors(path string) ([]store.AuditAnchor, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	anchors, err := parseAnchors(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %w", path, err)
	}
	return anchors, nil
}

// parseAnchors reads anchor lines. A last line without its newline is a write a crash
// cut short, and is left out.
func parseAnchors(raw []byte) ([]store.AuditAnchor, error) {
	var out []store.AuditAnchor
	lines := bytes.Split(raw, []byte("\n"))
	for i, line := range lines[:len(lines)-1] { // after the last "\n": nothing, or a torn line
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var a store.AuditAnchor
		if err := json.Unmarshal(line, &a); err != nil || a.Seq < 0 || a.Seq > 0 && a.Hash == "" {
			return nil, fmt.Errorf("line %d: not an anchor", i+1)
		}
		out = append(out, a)
	}
	return out, nil
}
