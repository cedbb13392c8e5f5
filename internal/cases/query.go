package cases

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Get returns one case p may see, with parties and assignments.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (model.Case, error) {
	c, err := s.Store.Case(ctx, id, ScopeOf(p))
	if err != nil {
		return c, err
	}
	c.DueBasis, err = s.DueBasis(ctx, &c)
	return c, err
}

// DueBasis is the legal basis of c's deadline in force: the basis of the rule that
// times its stage, "" when it has no deadline.
func (s *Service) DueBasis(ctx context.Context, c *model.Case) (string, error) {
	if c.DueAt == nil || c.DueStage == "" {
		return "", nil
	}
	rules, _, err := s.deadlines(ctx)
	if err != nil {
		return "", err
	}
	r, ok := workflow.ResolveRule(rules, c.Kind, c.CategoryCode, workflow.Urgency(c.Urgency), workflow.Stage(c.DueStage))
	if !ok {
		return "", nil
	}
	return r.Basis, nil
}

// Events returns the timeline of a case p may see, as p is shown it (Timeline).
func (s *Service) Events(ctx context.Context, p *auth.Principal, id int64) ([]model.CaseEvent, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.Timeline(ctx, p, &c)
}

// QueueFor is what waits on p ("待我处理"), from every role they hold.
func QueueFor(p *auth.Principal) *store.Queue {
	q := &store.Queue{}
	if p.Has(model.RoleClerk) || p.Has(model.RoleLeader) {
		q.CentreID = p.Region.ID
	}
	if p.Has(model.RoleLeader) {
		q.LeaderPath = p.Region.Path
	}
	if p.Has(model.RoleHandler) && p.Department != nil {
		q.DepartmentID = p.Department.ID
	}
	if p.Has(model.RoleMediator) {
		q.MediatorAt = p.Region.ID
	}
	if p.Has(model.RoleGrid) {
		q.GridPath = p.Region.Path
	}
	return q
}

// List returns a page of the cases p may see that match f.
func (s *Service) List(ctx context.Context, p *auth.Principal, f store.CaseFilter) ([]model.Case, error) {
	return s.Store.Cases(ctx, f, ScopeOf(p))
}

// Count counts the cases p may see that match f, for a list that shows its total
// (the cases behind a figure).
func (s *Service) Count(ctx context.Context, p *auth.Principal, f store.CaseFilter) (int64, error) {
	return s.Store.CountMatching(ctx, f, ScopeOf(p))
}

// Listing is a page of a case list with the list's size.
type Listing struct {
	Cases []model.Case
	Total int  // how many cases the list holds, up to MaxTotal
	Over  bool // more than MaxTotal: shown as "约 10,000"
	// Direct: the search named one case by its tracking code, and this is it.
	Direct bool
	// Ranked, for a search by relevance with more matches than that: only its newest
	// Ranked matches are in the relevance order (store.RankedMatches), which the list
	// says.
	Ranked int
}

// MaxTotal is as far as a list's total is counted exactly.
const MaxTotal = 10000

// Find returns a page of the cases p may see that match f, and how many there are.
// code is the search read as a tracking code (when it can be one): the case it
// names, when p may see it, is the answer; else f's words are searched for.
func (s *Service) Find(ctx context.Context, p *auth.Principal, f store.CaseFilter, code string) (Listing, error) {
	sc := ScopeOf(p)
	if code != "" {
		byCode := f
		byCode.Text, byCode.TrackingCode, byCode.Offset, byCode.Before = search.Query{}, code, 0, 0
		found, err := s.Store.Cases(ctx, byCode, sc)
		if err != nil {
			return Listing{}, err
		}
		if len(found) == 1 {
			return Listing{Cases: found, Total: 1, Direct: true}, nil
		}
	}
	// The list is counted before its page is read: counted through its filters'
	// indexes (up to MaxTotal), its size tells the store how to read the page — a few
	// cases through those indexes, then sorted; many by walking the list's order, in
	// which at least one case in a hundred qualifies (store.CaseFilter.Few).
	var out Listing
	var err error
	// A search of the cases' words reads a replica when one is up; a work queue or
	// a plain list reads the primary, where the reader's own last action shows.
	reads := s.Store
	if !f.Text.Empty() {
		reads = s.Store.ForReports()
	}
	if f.Cond != nil && f.Text.Empty() {
		// The cases behind a figure: counted exactly, as the figure was.
		n, err := reads.CountMatching(ctx, f, sc)
		if err != nil {
			return Listing{}, err
		}
		out.Total = int(n)
	} else if out.Total, out.Over, err = reads.CountListed(ctx, f, sc, MaxTotal); err != nil {
		return Listing{}, err
	}
	f.Few = !out.Over && out.Total <= fewCases
	if !f.Text.Empty() && f.Sort == store.SortRelevance && (out.Over || out.Total > store.RankedMatches()) {
		out.Ranked = store.RankedMatches()
	}
	if out.Cases, err = reads.Cases(ctx, f, sc); err != nil {
		return Listing{}, err
	}
	return out, nil
}

// fewCases is the size of a list up to which its page is read through its filters'
// indexes and sorted. Past it at least 1 case in 200 of a 1M-case store qualifies,
// and walking the list's order finds a page within 10,000 rows.
const fewCases = 5000

// passageWidth is how many characters of a case's text a search result shows.
const passageWidth = 80

// Passage is the part of c's title or description that q matched, its matches
// marked; nil without a search, or when q matched another of its texts (a party's
// name, a note).
func Passage(c *model.Case, q search.Query) []search.Segment {
	if q.Empty() {
		return nil
	}
	if p := search.Passage(c.Description, q, passageWidth); p != nil {
		return p
	}
	return search.Passage(c.Title, q, passageWidth)
}

// PriorCases finds p-visible cases of the same person (ID number or phone), open
// cases at the same address, and open cases whose texts are like text (what the
// clerk has typed of the title and description), for the intake desk: a repeat
// complaint is merged rather than registered twice. Inputs are normalised first, so a
// half-typed number simply finds nothing.
func (s *Service) PriorCases(ctx context.Context, p *auth.Principal, idNumber, phone, address, text string) ([]store.PriorCase, error) {
	id, err := model.NormalizeIDNumberAt(idNumber, s.Now())
	if err != nil {
		id = ""
	}
	ph, err := model.NormalizePhone(phone)
	if err != nil {
		ph = ""
	}
	var words search.Query
	if utf8.RuneCountInString(strings.TrimSpace(text)) >= minSimilarText {
		words = search.Similar(text)
	}
	if id == "" && ph == "" && len([]rune(store.AddressKey(address))) < 4 && words.Empty() {
		return nil, nil
	}
	return s.Store.PriorCases(ctx, id, ph, address, words, 20, ScopeOf(p))
}

// minSimilarText is how much of a new case's text is typed before alike cases are
// looked for.
const minSimilarText = 6

// Due status of a case now: 未到期, 将到期 (inside the warning window) or 已超期.
func (s *Service) DueStatus(c *model.Case, now time.Time) workflow.Status {
	if c.DueAt == nil || !workflow.State(c.State).Open() {
		return workflow.StatusNone
	}
	return workflow.DueStatus(*c.DueAt, now, workflow.WarnWindow(workflow.Urgency(c.Urgency)))
}

// PartStatus is where department part a of c stands against its own deadline
// (吹哨报到: each co-handler answers for its part), in the case's warning window.
func (s *Service) PartStatus(c *model.Case, a model.Assignment, now time.Time) workflow.Status {
	if !workflow.State(c.State).Open() {
		return workflow.StatusNone
	}
	return workflow.PartStatus(a.Status, a.DueAt, now, workflow.WarnWindow(workflow.Urgency(c.Urgency)))
}

// Attachment limits: photos from a phone, scanned agreements, office documents.
const MaxAttachmentBytes = 10 << 20

var allowedTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true,
}

// officeExt are the zip-based office formats accepted when the content is a zip.
var officeExt = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// AttachInput is a file a user attaches to a case.
type AttachInput struct {
	Name string
	Data []byte
	// KeepOriginal keeps an image byte for byte, with its metadata, as evidence: a
	// clerk's explicit choice, marked on the attachment and in the audit log.
	// Without it an image is redrawn (reencodePhoto).
	KeepOriginal bool
}

// Attach stores a file with a case p may act on; its type is judged by its content,
// not by its name or the client's word.
func (s *Service) Attach(ctx context.Context, p *auth.Principal, id int64, in AttachInput) (model.Attachment, error) {
	att, data, err := s.newAttachment("file", in.Name, in.Data, p.User.ID, in.KeepOriginal)
	if err != nil {
		return att, err
	}
	detail := fmt.Sprintf("上传附件 %s（%d 字节，%s）", att.Name, len(data), att.ContentType)
	if att.KeptOriginal {
		detail = fmt.Sprintf("上传附件 %s（%d 字节，%s，保留原件（证据），未去除元数据）", att.Name, len(data), att.ContentType)
	}
	audit := store.Audited("case.attach", fmt.Sprintf("case:%d", id), detail)
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if !visible(p, &c) {
			return store.ErrNotFound
		}
		att.CaseID = c.ID
		if err := s.act(ctx, tx, p, &c, workflow.ActionAttach, ActInput{Note: att.Name}, att.CreatedAt); err != nil {
			return err
		}
		return tx.InsertAttachment(ctx, &att, data)
	})
	return att, err
}

// newAttachment checks an upload sent as field and describes it: a clean name, a type
// judged by its content (never by its name or the client's word), its size and hash.
// An image is redrawn without its metadata unless keepOriginal; the bytes to store
// are returned with it.
func (s *Service) newAttachment(field, name string, data []byte, by int64, keepOriginal bool) (model.Attachment, []byte, error) {
	var att model.Attachment
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "" || name == "." || name == "/" {
		return att, nil, model.Invalid(field, "required", "invalid.file.required")
	}
	if len([]rune(name)) > 120 {
		name = string([]rune(name)[:120])
	}
	if len(data) == 0 {
		return att, nil, model.Invalid(field, "empty", "invalid.file.empty")
	}
	if len(data) > MaxAttachmentBytes {
		return att, nil, model.Invalid(field, "too_large", "invalid.file.too_large_10mb")
	}
	ct := http.DetectContentType(data)
	if ct == "application/zip" {
		ct = officeExt[strings.ToLower(path.Ext(name))]
	}
	if !allowedTypes[ct] && !strings.HasPrefix(ct, "application/vnd.openxmlformats") || bytes.HasPrefix(data, []byte("<")) {
		return att, nil, model.Invalid(field, "type", "invalid.file.type")
	}
	if strings.HasPrefix(ct, "image/") && !keepOriginal {
		var err error
		if data, ct, err = reencodePhoto(field, data); err != nil {
			return att, nil, err
		}
		name = photoName(name, ct)
	}
	sum := sha256.Sum256(data)
	return model.Attachment{Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: by,
		CreatedAt: s.Now().UTC(), KeptOriginal: keepOriginal}, data, nil
}

// Attachments lists the files of a case p may see.
func (s *Service) Attachments(ctx context.Context, p *auth.Principal, id int64) ([]model.Attachment, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	return s.Store.Attachments(ctx, id)
}

// AttachmentData returns one file of a case p may see.
func (s *Service) AttachmentData(ctx context.Context, p *auth.Principal, caseID, id int64) (model.Attachment, []byte, error) {
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return model.Attachment{}, nil, err
	}
	return s.Store.AttachmentData(ctx, caseID, id)
}
