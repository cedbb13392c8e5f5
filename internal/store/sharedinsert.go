package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
)

// The shared insert is how PostgreSQL registers a new case that has nothing else to
// do in its transaction (RegisterCase, NewCase.Shared): the cases that callers
// register at the same moment are written by one statement that commits on its own,
// and each caller returns once it has committed. On PostgreSQL a commit's cost is its
// flush of the WAL, and one flush for many cases is what lets intake outrun
// one-row-per-transaction inserts; in a transaction of its own, each caller's case
// would wait for its own flush behind the others'. SQLite's counterpart is the group
// commit (groupcommit.go).

// sharedInsertTimeout bounds the statement that writes the cases of a shared insert,
// which runs free of its callers' cancellation.
const sharedInsertTimeout = 30 * time.Second

// maxSharedInsert bounds how many cases share one statement; sharedInserters is how
// many such statements are in flight at once: while one waits for its commit to reach
// the disk, the next gathers the cases that arrive meanwhile.
const (
	maxSharedInsert = 64
	sharedInserters = 2
)

// sharedCase is one caller's case waiting for a shared insert, with what its
// statement needs already drawn from the caller.
type sharedCase struct {
	c      *model.Case
	evs    []*model.CaseEvent
	follow *CaseFollowUps
	args   []any // caseInsertArgs(c)
	audit  AuditEntry
	actor  Actor
	at     time.Time
	done   chan error
}

// CaseFollowUps are rows written in a new case's shared insert: the notices its
// warning sends and the supervision order it brings, each with the id
// SharedInsert.ReserveIDs drew for it, so that what refers to them is written in the
// same statement: an outbox row its notification, an event its order. Their case id
// is the case's.
type CaseFollowUps struct {
	Notifications []*Notification
	Outbox        []*OutboxItem
	Supervisions  []*Supervision
}

// ReservedIDs are ids drawn for a new case and its follow-ups before they are written.
type ReservedIDs struct {
	Case          int64
	Notifications []int64
	Supervisions  []int64
}

// SharedInsert is what NewCase.Shared writes its case with: PostgreSQL's shared
// insert, under the registration's audit entry.
type SharedInsert struct {
	s     *Store
	audit AuditEntry
}

// ReserveIDs draws an id for a case, and for as many notifications and supervision
// orders, from their tables' sequences, in one round trip. An id left unused is only
// a gap.
func (w SharedInsert) ReserveIDs(ctx context.Context, notifications, supervisions int) (ReservedIDs, error) {
	var r ReservedIDs
	var notices, orders string
	err := w.s.queryRowOn(ctx, w.s.w, `SELECT nextval(pg_get_serial_sequence('cases', 'id')),
		array_to_string(ARRAY(SELECT nextval(pg_get_serial_sequence('notifications', 'id')) FROM generate_series(1, $1)), ','),
		array_to_string(ARRAY(SELECT nextval(pg_get_serial_sequence('supervisions', 'id')) FROM generate_series(1, $2)), ',')`,
		notifications, supervisions).Scan(&r.Case, &notices, &orders)
	if err != nil {
		return r, err
	}
	r.Notifications, r.Supervisions = make([]int64, notifications), make([]int64, supervisions)
	if err := fillIDs(notices, notifications, func(i int, id int64) { r.Notifications[i] = id }); err != nil {
		return r, err
	}
	return r, fillIDs(orders, supervisions, func(i int, id int64) { r.Supervisions[i] = id })
}

// Insert writes the new case c as InsertCase does, with its first events (as
// AppendEvents; their case id is filled in), its follow-ups (nil for none; c.ID then
// holds the case's reserved id) and the registration's audit entry (its object the
// case), in the statement it shares with the cases registered at the same moment, and
// returns once that has committed. A tracking code already taken gives ErrConflict to
// its case alone; the caller draws another and calls Insert again.
func (w SharedInsert) Insert(ctx context.Context, c *model.Case, evs []*model.CaseEvent, follow *CaseFollowUps) error {
	if follow != nil && c.ID == 0 {
		return errors.New("shared insert: follow-ups need the case's reserved id")
	}
	s := w.s
	it := newSharedCase(ctx, w.audit, c, evs, follow)
	s.sharedOnce.Do(func() {
		s.shared = make(chan *sharedCase, maxSharedInsert)
		for range sharedInserters {
			go s.sharedInserter()
		}
	})
	return submit(ctx, s.shared, it, it.done)
}

// newSharedCase is c, at version 1, with evs, its follow-ups, the audit entry e and
// the actor of ctx, ready for a shared insert.
func newSharedCase(ctx context.Context, e AuditEntry, c *model.Case, evs []*model.CaseEvent, follow *CaseFollowUps) *sharedCase {
	c.Version = 1
	return &sharedCase{c: c, evs: evs, follow: follow, args: caseInsertArgs(c), audit: e, actor: ActorFrom(ctx),
		at: now().Truncate(time.Microsecond), done: make(chan error, 1)}
}

// sharedInserter takes the cases waiting and writes them in one statement.
func (s *Store) sharedInserter() {
	for first := range s.shared {
		s.insertShared(gather(s.shared, first, maxSharedInsert))
	}
}

// insertShared writes items and tells each caller its outcome. A statement that
// fails for one case fails for all, so on an error each case is tried on its own and
// gets its own answer.
func (s *Store) insertShared(items []*sharedCase) {
	seen := make(map[string]bool, len(items))
	batch := items[:0:0]
	for _, it := range items {
		// Two cases of one batch drawn the same code: the second draws again.
		if seen[it.c.TrackingCode] {
			it.done <- fmt.Errorf("tracking code: %w", ErrConflict)
			continue
		}
		seen[it.c.TrackingCode] = true
		batch = append(batch, it)
	}
	err := s.insertSharedOnce(batch)
	if err == nil {
		return
	}
	if len(batch) == 1 || errors.Is(err, ErrCommitUnknown) {
		// A batch that may have been written is not written again case by case: a
		// case already there would answer "code taken", and its caller would
		// register it once more under a fresh code.
		for _, it := range batch {
			it.done <- err
		}
		return
	}
	for _, it := range batch {
		if err := s.insertSharedOnce([]*sharedCase{it}); err != nil {
			it.done <- err
		}
	}
}

// insertSharedOnce writes items in one statement. It answers every caller when the
// statement commits; an error of the statement is returned for the caller to hand out.
func (s *Store) insertSharedOnce(items []*sharedCase) error {
	query, args := sharedInsertStatement(items)
	ctx, cancel := context.WithTimeout(context.Background(), sharedInsertTimeout)
	defer cancel()
	rows, err := s.w.QueryContext(ctx, s.q(query), args...)
	if err != nil && s.retryableWrite(ctx, err) {
		// The server ended the session without writing the cases: once more, on a
		// connection that answers (retry.go).
		rows, err = s.queryFresh(ctx, s.w, query, args)
	}
	byCode, err := scanSharedInsertRows(rows, err)
	if err != nil {
		// The statement commits on its own: a connection that failed while it ran
		// (or while its answer came back) hides whether it did.
		return commitUnknown(sharedInsertError(err))
	}
	audited := false
	for _, it := range items {
		w, ok := byCode[it.c.TrackingCode]
		if !ok {
			it.done <- fmt.Errorf("tracking code: %w", ErrConflict)
			continue
		}
		if err := w.fill(it.c, it.evs); err != nil {
			it.done <- err
			continue
		}
		audited = audited || it.audit.recorded()
		it.done <- nil
	}
	if audited {
		s.wakeSealer()
	}
	return nil
}

// sharedInsertWritten is what sharedInsertSQL returns for a case it wrote: its id and the ids of its
// parties and events, comma-separated in their order.
type sharedInsertWritten struct {
	id              int64
	parties, events string
}

// scanSharedInsertRows reads sharedInsertSQL's answer, by tracking code.
func scanSharedInsertRows(rows *sql.Rows, err error) (map[string]sharedInsertWritten, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byCode := map[string]sharedInsertWritten{}
	for rows.Next() {
		var code string
		var w sharedInsertWritten
		if err := rows.Scan(&code, &w.id, &w.parties, &w.events); err != nil {
			return nil, err
		}
		byCode[code] = w
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return byCode, rows.Err()
}

// fill gives c and evs the ids w holds.
func (w sharedInsertWritten) fill(c *model.Case, evs []*model.CaseEvent) error {
	c.ID = w.id
	if err := fillIDs(w.parties, len(c.Parties), func(i int, id int64) { c.Parties[i].ID, c.Parties[i].Seq = id, i+1 }); err != nil {
		return fmt.Errorf("case parties: %w", err)
	}
	if err := fillIDs(w.events, len(evs), func(i int, id int64) { evs[i].ID, evs[i].CaseID = id, c.ID }); err != nil {
		return fmt.Errorf("case events: %w", err)
	}
	return nil
}

// InsertCaseWithEvents is InsertCase and then AppendEvents of evs (their case id filled
// in). On PostgreSQL it is one statement, the shared insert's (sharedInsertSQL) for one case
// without its audit entry, which the transaction writes: three round trips fewer for a
// registration that takes further steps in its transaction.
// A tracking code already taken gives ErrConflict, and the transaction goes on.
func (tx *Tx) InsertCaseWithEvents(ctx context.Context, c *model.Case, evs []*model.CaseEvent) error {
	if tx.s.dialect != Postgres {
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		for _, ev := range evs {
			ev.CaseID = c.ID
		}
		return tx.AppendEvents(ctx, evs...)
	}
	c.Version = 1
	query, args := sharedInsertStatement([]*sharedCase{{c: c, evs: evs, args: caseInsertArgs(c)}})
	rows, err := tx.query(ctx, query, args...)
	byCode, err := scanSharedInsertRows(rows, err)
	if err != nil {
		return err
	}
	w, ok := byCode[c.TrackingCode]
	if !ok {
		return fmt.Errorf("tracking code: %w", ErrConflict)
	}
	return w.fill(c, evs)
}

// sharedInsertError names a unique violation of the statement: another writer took the same
// tracking code at the same moment.
func sharedInsertError(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("tracking code: %w", ErrConflict)
	}
	return err
}

// sharedInsertSQL writes cases, their parties, their events and their audit entries in one
// statement. Everything is given as arrays, one a column, so the statement's text is
// the same for every batch size and PostgreSQL plans it once a connection (with a
// text a size, planning took a good part of the statement's time: `onedoor bench
// -what intake` at 1M cases). A case
// takes its reserved id, or else the next. The parties', events', audit entries',
// follow-ups' and search index's rows name their case by tracking code: a case whose code is taken is
// skipped (ON CONFLICT), and so are its rows. Foreign keys are checked at
// the statement's end, when the case rows are there. It returns, per case written, its
// code, its id and the ids of its parties and events in their order.
var sharedInsertSQL = `WITH c AS (INSERT INTO cases (id, repeat_visit, ` + caseInsertCols + `)
		SELECT COALESCE(x.reserved_id, nextval(pg_get_serial_sequence('cases', 'id'))), ` + sharedRepeatVisitSQL + `, ` + caseColumnsOf("x") + `
		FROM unnest(?::bigint[], ` + caseArrayParams + `) AS x(reserved_id, ` + caseInsertCols + `)
		ON CONFLICT (tracking_code) DO NOTHING RETURNING *),
	p AS (INSERT INTO case_parties (case_id, seq, role, name, id_number, phone, address, severe_mental_illness, minor, acts_for)
		SELECT c.id, x.seq, x.role, x.name, x.id_number, x.phone, x.address, x.smi, x.minor, x.acts_for
		FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[], ?::bigint[])
			AS x(tracking_code, seq, role, name, id_number, phone, address, smi, minor, acts_for)
		JOIN c USING (tracking_code)
		RETURNING id, case_id, seq, role),
	e AS (INSERT INTO case_events (case_id, actor_id, at, action, from_state, to_state, note, payload)
		SELECT c.id, NULLIF(x.actor_id, 0), x.at, x.action, x.from_state, x.to_state, x.note, x.payload
		FROM unnest(?::text[], ?::bigint[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
			AS x(tracking_code, actor_id, at, action, from_state, to_state, note, payload, ord)
		JOIN c USING (tracking_code)
		ORDER BY x.ord RETURNING id, case_id),
	a AS (INSERT INTO audit_pending (at, actor_id, actor, client_ip, action, object, summary)
		SELECT x.at, NULLIF(x.actor_id, 0), x.actor, x.client_ip, x.action, 'case:' || c.id, x.summary
		FROM unnest(?::text[], ?::timestamptz[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
			AS x(tracking_code, at, actor_id, actor, client_ip, action, summary, ord)
		JOIN c USING (tracking_code)
		ORDER BY x.ord),
	n AS (INSERT INTO notifications (id, user_id, case_id, kind, title, body, created_at)
		SELECT x.id, x.user_id, c.id, x.kind, x.title, x.body, x.created_at
		FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
			AS x(tracking_code, id, user_id, kind, title, body, created_at)
		JOIN c USING (tracking_code)),
	o AS (INSERT INTO outbox (notification_id, channel, recipient, subject, body, created_at, next_attempt_at)
		SELECT NULLIF(x.notification_id, 0), x.channel, x.recipient, x.subject, x.body, x.created_at, x.next_attempt_at
		FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY
			AS x(tracking_code, notification_id, channel, recipient, subject, body, created_at, next_attempt_at, ord)
		JOIN c USING (tracking_code)
		ORDER BY x.ord),
	v AS (INSERT INTO supervisions (id, case_id, level, requirement, reply_by, issued_by, issued_at, centre_id, department_id, status, source)
		SELECT x.id, c.id, x.level, x.requirement, x.reply_by, NULLIF(x.issued_by, 0), x.issued_at, x.centre_id, NULLIF(x.department_id, 0), x.status, x.source
		FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
			AS x(tracking_code, id, level, requirement, reply_by, issued_by, issued_at, centre_id, department_id, status, source)
		JOIN c USING (tracking_code)),
	s AS (INSERT INTO case_search (case_id, doc)
		SELECT c.id, x.doc::tsvector FROM unnest(?::text[], ?::text[]) AS x(tracking_code, doc)
		JOIN c USING (tracking_code)),
	r AS (` + sharedRollupSQL + `)
	SELECT c.tracking_code, c.id,
		COALESCE((SELECT string_agg(p.id::text, ',' ORDER BY p.seq) FROM p WHERE p.case_id = c.id), ''),
		COALESCE((SELECT string_agg(e.id::text, ',' ORDER BY e.id) FROM e WHERE e.case_id = c.id), '')
	FROM c`

// sharedRepeatVisitSQL decides a new case's repeat_visit (repeatPartySQL) as the
// statement writes it: its coming parties, given again as arrays (the statement's
// first parameters), against the parties of the cases registered before it. Two
// cases of one person in one statement, or in statements running at the same
// moment, do not see each other (`onedoor stats-verify` names such a case).
var sharedRepeatVisitSQL = func() string {
	var ors []string
	for _, same := range samePartySQL("rp", "rq") {
		ors = append(ors, "EXISTS (SELECT 1 FROM case_parties rq JOIN cases rc ON rc.id = rq.case_id WHERE "+same+
			" AND rq.role IN "+comingRoles+" AND rc.created_at >= x.created_at - INTERVAL '"+strconv.Itoa(model.RepeatWindowDays)+
			" days' AND rc.created_at <= x.created_at)")
	}
	return "CASE WHEN EXISTS (SELECT 1 FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) " +
		"AS rp(tracking_code, role, name, id_number, phone, address) WHERE rp.tracking_code = x.tracking_code AND rp.role IN " +
		comingRoles + " AND (" + strings.Join(ors, " OR ") + ")) THEN 1 ELSE 0 END"
}()

// sharedInsertStatement is sharedInsertSQL for items, with its arguments.
func sharedInsertStatement(items []*sharedCase) (string, []any) {
	caseRows := make([][]any, len(items))
	reserved := make([]*int64, len(items))
	for i, it := range items {
		caseRows[i] = it.args
		if it.c.ID != 0 {
			reserved[i] = &it.c.ID
		}
	}
	args := append(make([]any, 0, len(caseInsertPGTypes)+52), any(reserved))
	args = append(args, caseColumns(caseRows)...)
	var f followUpColumns
	var pCode, pRole, pName, pID, pPhone, pAddr []string
	var pSeq, pActsFor []int64
	var pMental, pMinor []bool
	var eCode, eAction, eFrom, eTo, eNote, ePayload []string
	var eActor []int64
	var eAt []time.Time
	var aCode, aActor, aIP, aAction, aSummary []string
	var aAt []time.Time
	var aActorID []int64
	var sCode, sDoc []string
	for _, it := range items {
		code := it.c.TrackingCode
		sCode, sDoc = append(sCode, code), append(sDoc, search.TSVector(caseDocument(it.c, it.evs)))
		for i, p := range it.c.Parties {
			pCode, pSeq, pRole, pName, pID = append(pCode, code), append(pSeq, int64(i+1)), append(pRole, string(p.Role)), append(pName, p.Name), append(pID, p.IDNumber)
			pPhone, pAddr, pMental, pMinor = append(pPhone, p.Phone), append(pAddr, p.Address), append(pMental, p.SevereMentalIllness), append(pMinor, p.Minor)
			pActsFor = append(pActsFor, int64(p.ActsFor))
		}
		for _, ev := range it.evs {
			eCode, eActor, eAt, eAction = append(eCode, code), append(eActor, ev.ActorID), append(eAt, ev.At.UTC()), append(eAction, ev.Action)
			eFrom, eTo, eNote, ePayload = append(eFrom, ev.FromState), append(eTo, ev.ToState), append(eNote, ev.Note), append(ePayload, eventPayload(ev))
		}
		if it.audit.recorded() {
			aCode, aAt, aActorID, aActor, aIP = append(aCode, code), append(aAt, it.at), append(aActorID, it.actor.ID), append(aActor, it.actor.Name), append(aIP, it.actor.IP)
			aAction, aSummary = append(aAction, it.audit.Action), append(aSummary, truncateRunes(it.audit.Summary, 1000))
		}
		if it.follow != nil {
			f.add(code, it.follow)
		}
	}
	args = append([]any{nonNil(pCode), nonNil(pRole), nonNil(pName), nonNil(pID), nonNil(pPhone), nonNil(pAddr)}, args...)
	args = append(args, nonNil(pCode), nonNil(pSeq), nonNil(pRole), nonNil(pName), nonNil(pID), nonNil(pPhone), nonNil(pAddr), nonNil(pMental), nonNil(pMinor), nonNil(pActsFor),
		nonNil(eCode), nonNil(eActor), nonNil(eAt), nonNil(eAction), nonNil(eFrom), nonNil(eTo), nonNil(eNote), nonNil(ePayload),
		nonNil(aCode), nonNil(aAt), nonNil(aActorID), nonNil(aActor), nonNil(aIP), nonNil(aAction), nonNil(aSummary))
	args = append(args, f.args()...)
	args = append(args, nonNil(sCode), nonNil(sDoc))
	return sharedInsertSQL, append(args, sharedRollupArgs...)
}

// sharedRollupSQL adds the new cases to the rollups in the statement that writes
// them: the rollups' rows of each case (rollupCaseRows), read from the rows the
// statement inserts (its cases c and parties p), which the tables do not show it yet.
var sharedRollupSQL, sharedRollupArgs = func() (string, []any) {
	q, args := rollupUpsert(Postgres, 1, "1=1", nil, "")
	q = strings.ReplaceAll(q, "FROM cases c ", "FROM c ")
	q = strings.ReplaceAll(q, "FROM case_parties gp ", "FROM p gp ")
	return q, args
}()

// followUpColumns are the follow-ups of a statement's cases, one list a column of
// sharedInsertSQL's unnests, each row naming its case by tracking code.
type followUpColumns struct {
	nCode, nKind, nTitle, nBody                   []string
	nID, nUser                                    []int64
	nAt                                           []time.Time
	oCode, oChannel, oRecipient, oSubject, oBody  []string
	oNotification                                 []int64
	oAt, oNext                                    []time.Time
	vCode, vLevel, vRequirement, vStatus, vSource []string
	vID, vIssuedBy, vCentre, vDepartment          []int64
	vReplyBy, vIssuedAt                           []time.Time
}

func (f *followUpColumns) add(code string, fu *CaseFollowUps) {
	for _, n := range fu.Notifications {
		f.nCode, f.nID, f.nUser, f.nKind = append(f.nCode, code), append(f.nID, n.ID), append(f.nUser, n.UserID), append(f.nKind, n.Kind)
		f.nTitle, f.nBody, f.nAt = append(f.nTitle, n.Title), append(f.nBody, n.Body), append(f.nAt, n.CreatedAt.UTC())
	}
	for _, o := range fu.Outbox {
		next := o.NextAttemptAt
		if next.IsZero() {
			next = o.CreatedAt
		}
		f.oCode, f.oNotification, f.oChannel, f.oRecipient = append(f.oCode, code), append(f.oNotification, o.NotificationID), append(f.oChannel, o.Channel), append(f.oRecipient, o.Recipient)
		f.oSubject, f.oBody, f.oAt, f.oNext = append(f.oSubject, o.Subject), append(f.oBody, o.Body), append(f.oAt, o.CreatedAt.UTC()), append(f.oNext, next.UTC())
	}
	for _, v := range fu.Supervisions {
		f.vCode, f.vID, f.vLevel, f.vRequirement = append(f.vCode, code), append(f.vID, v.ID), append(f.vLevel, v.Level), append(f.vRequirement, v.Requirement)
		f.vReplyBy, f.vIssuedBy, f.vIssuedAt, f.vCentre = append(f.vReplyBy, v.ReplyBy.UTC()), append(f.vIssuedBy, v.IssuedBy), append(f.vIssuedAt, v.IssuedAt.UTC()), append(f.vCentre, v.CentreID)
		f.vDepartment, f.vStatus, f.vSource = append(f.vDepartment, v.DepartmentID), append(f.vStatus, v.Status), append(f.vSource, v.Source)
	}
}

// args are the columns in sharedInsertSQL's order.
func (f *followUpColumns) args() []any {
	return []any{nonNil(f.nCode), nonNil(f.nID), nonNil(f.nUser), nonNil(f.nKind), nonNil(f.nTitle), nonNil(f.nBody), nonNil(f.nAt),
		nonNil(f.oCode), nonNil(f.oNotification), nonNil(f.oChannel), nonNil(f.oRecipient), nonNil(f.oSubject), nonNil(f.oBody), nonNil(f.oAt), nonNil(f.oNext),
		nonNil(f.vCode), nonNil(f.vID), nonNil(f.vLevel), nonNil(f.vRequirement), nonNil(f.vReplyBy), nonNil(f.vIssuedBy), nonNil(f.vIssuedAt),
		nonNil(f.vCentre), nonNil(f.vDepartment), nonNil(f.vStatus), nonNil(f.vSource)}
}

// caseInsertPGTypes are the PostgreSQL types of caseInsertCols, in their order.
var caseInsertPGTypes = []string{"text", "text", "bigint", "text", "text", "bigint", "text",
	"bigint", "bigint", "text", "text", "float8", "float8", "text", "text", "text", "bigint", "bigint", "text",
	"text", "boolean", "text", "text", "bigint", "boolean", "bigint", "text", "timestamptz",
	"bigint", "timestamptz", "timestamptz", "timestamptz", "timestamptz", "timestamptz", "bigint",
	"boolean", "text", "text", "bigint", "text", "timestamptz", "timestamptz", "timestamptz", "text", "timestamptz", "bigint",
	"bigint"}

// caseArrayParams is one array parameter per column of caseInsertCols, for unnest.
var caseArrayParams = func() string {
	params := make([]string, len(caseInsertPGTypes))
	for i, t := range caseInsertPGTypes {
		params[i] = "?::" + t + "[]"
	}
	return strings.Join(params, ", ")
}()

// caseColumnsOf is caseInsertCols, each named as a column of alias.
func caseColumnsOf(alias string) string {
	cols := strings.Split(caseInsertCols, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// caseColumns turns rows of caseInsertArgs into one array per column, typed as
// caseInsertPGTypes says, a NULL where the row's value is nil or an invalid
// sql.NullInt64.
func caseColumns(rows [][]any) []any {
	cols := make([]any, len(caseInsertPGTypes))
	for j, typ := range caseInsertPGTypes {
		switch typ {
		case "text":
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i] = reflect.ValueOf(r[j]).String() // string, or a named string type
			}
			cols[j] = col
		case "bigint":
			col := make([]*int64, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case sql.NullInt64:
					if v.Valid {
						col[i] = &v.Int64
					}
				case nil:
				default:
					n := reflect.ValueOf(v).Int()
					col[i] = &n
				}
			}
			cols[j] = col
		case "float8":
			col := make([]*float64, len(rows))
			for i, r := range rows {
				if v, ok := r[j].(float64); ok {
					col[i] = &v
				}
			}
			cols[j] = col
		case "boolean":
			col := make([]bool, len(rows))
			for i, r := range rows {
				col[i] = r[j].(bool)
			}
			cols[j] = col
		case "timestamptz":
			col := make([]*time.Time, len(rows))
			for i, r := range rows {
				if v, ok := r[j].(time.Time); ok {
					col[i] = &v
				}
			}
			cols[j] = col
		}
	}
	return cols
}

// nonNil makes an empty list an empty array, not NULL, for unnest.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
