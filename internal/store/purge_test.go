package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// purgeCounty is a county whose cases were closed long ago, some on hold.
type purgeCounty struct {
	ctx  context.Context
	at   time.Time        // the purge's moment
	ids  map[string]int64 // case by name
	full string           // the case with a row in every table
}

// seedPurgeCounty writes the cases the retention tests look at: named for what the
// purge should do with them. Disputes are kept 10 years, petitions 30 (the default
// rules), as of at = 2026-12-01.
func seedPurgeCounty(t *testing.T, st *store.Store) purgeCounty {
	t.Helper()
	ctx, village, cats, _ := seededCounty(t, st, store.Actor{Name: "测试"})
	users, err := st.Users(ctx, store.UserFilter{})
	must(t, err)
	fixture := store.NotAudited("test fixture")
	p := purgeCounty{ctx: ctx, at: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), ids: map[string]int64{}, full: "removed: full"}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 3, 0, 0, 0, time.UTC) }
	add := func(name string, kind model.CaseKind, state string, closed time.Time, edit func(c *model.Case)) int64 {
		c := newVillageCase(fmt.Sprintf("PURGE%07d", len(p.ids)+1), village, cats[0], closed.AddDate(0, -2, 0))
		c.Kind, c.State = kind, state
		c.Parties = []model.Party{{Role: model.PartyApplicant, Name: "张三" + name, Phone: "13800000000", IDNumber: "622922199001011234"}}
		if state != "in_progress" {
			c.ClosedAt = &closed
		}
		c.UpdatedAt = closed
		if edit != nil {
			edit(c)
		}
		must(t, st.InTx(ctx, store.Audited("case.register", "", "登记 "+name), func(tx *store.Tx) error {
			if err := tx.InsertCase(ctx, c); err != nil {
				return err
			}
			tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
			return tx.AppendEvent(ctx, &model.CaseEvent{CaseID: c.ID, At: c.CreatedAt, Action: "register", ToState: "registered", Note: "登记"})
		}))
		p.ids[name] = c.ID
		return c.ID
	}
	old := day(2011, 5, 1)
	open := add("kept: open", model.KindDispute, "in_progress", day(2005, 1, 1), nil)
	petition := add("kept: petition within 30 years", model.KindPetition, "archived", day(2010, 3, 1), nil)
	add("kept: dispute within 10 years", model.KindDispute, "archived", day(2017, 1, 1), nil)
	full := add(p.full, model.KindDispute, "archived", day(2010, 3, 1), nil)
	add("removed: rejected", model.KindDispute, "rejected", day(2012, 7, 1), nil)
	tiedA := add("removed: tied to a removed case", model.KindDispute, "archived", old, nil)
	tiedB := add("removed: the case it is tied to", model.KindDispute, "archived", old, nil)
	add("removed: merged into a removed case", model.KindDispute, "merged", old, func(c *model.Case) { c.MergedInto = tiedB })
	confirming := add("held: "+store.HoldJudicialConfirmation, model.KindDispute, "archived", old, nil)
	referred := add("held: "+store.HoldOpenReferral, model.KindDispute, "archived", old, nil)
	add("held: "+store.HoldRedWarning, model.KindDispute, "archived", old, func(c *model.Case) { c.RiskLevel = "red" })
	linkedOpen := add("held: "+store.HoldLinkedOpen, model.KindDispute, "archived", old, nil)
	add("held: "+store.HoldLinkedOpen+" (merged)", model.KindDispute, "merged", old, func(c *model.Case) { c.MergedInto = open })
	linkedKept := add("held: "+store.HoldLinkedKept, model.KindDispute, "archived", old, nil)
	aidOpen := add("held: "+store.HoldLinkedOpen+" (legal aid)", model.KindDispute, "archived", old, nil)

	org := store.MediationOrg{RegionID: village.ID, Name: "调委会", Kind: "village", Active: true}
	must(t, st.SaveMediationOrg(ctx, fixture, &org))
	must(t, st.InTx(ctx, fixture, func(tx *store.Tx) error {
		link := func(a, b int64) error {
			return tx.InsertLink(ctx, &model.CaseLink{FromCase: a, ToCase: b, Kind: model.LinkSameMatter, CreatedAt: old})
		}
		agreement := func(caseID int64, seq int) error {
			return tx.InsertAgreement(ctx, &store.Agreement{CaseID: caseID, OrgID: org.ID, Year: 2011, Seq: seq, Number: fmt.Sprintf("调字第%d号", seq),
				Status: "signed", CreatedAt: old, UpdatedAt: old})
		}
		referral := func(caseID, linked int64, status string) error {
			return tx.InsertReferral(ctx, &store.Referral{CaseID: caseID, Direction: "out", Kind: "legal_aid", Partner: "legal_aid", Body: "法律援助中心",
				LinkedCaseID: linked, Status: status, CreatedAt: old})
		}
		n := store.Notification{UserID: users[0].ID, CaseID: full, Kind: "assigned", Title: "交办", CreatedAt: old}
		a := model.Attachment{CaseID: full, Name: "协议.pdf", ContentType: "application/pdf", Size: 3, SHA256: "x", CreatedAt: old}
		for _, err := range []error{
			link(tiedA, tiedB), link(linkedOpen, open), link(linkedKept, petition),
			agreement(full, 1), agreement(confirming, 2), referral(full, 0, "closed"), referral(referred, 0, "open"), referral(aidOpen, open, "closed"),
			tx.InsertNotification(ctx, &n), tx.InsertAttachment(ctx, &a, []byte("pdf")),
			tx.InsertIncident(ctx, &model.Incident{CaseID: full, Kind: "police_call", At: old}),
			tx.InsertSupervision(ctx, &store.Supervision{CaseID: full, Level: "normal", Requirement: "督办", ReplyBy: old, IssuedAt: old, CentreID: village.ParentID, Status: "replied"}),
		} {
			if err != nil {
				return err
			}
		}
		return tx.InsertOutbox(ctx, &store.OutboxItem{NotificationID: n.ID, Channel: "sms", Recipient: "13800000000", Body: "交办", CreatedAt: old})
	}))
	must(t, st.ExecForTest(ctx, "UPDATE mediation_agreements SET confirm_status = 'applied' WHERE case_id = ?", confirming))
	must(t, st.ExecForTest(ctx, "UPDATE mediation_agreements SET confirm_status = 'confirmed' WHERE case_id = ?", full))
	return p
}

// caseRows counts the rows of every table that belong to the case id.
func caseRows(t *testing.T, st *store.Store, ctx context.Context, id int64) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	count := func(table, q string, args ...any) {
		n, err := st.CountForTest(ctx, q, args...)
		must(t, err)
		if n > 0 {
			out[table] = n
		}
	}
	count("cases", "SELECT count(*) FROM cases WHERE id = ?", id)
	for _, table := range store.CaseRowTables() {
		switch table {
		case "outbox":
			count(table, "SELECT count(*) FROM outbox WHERE notification_id IN (SELECT id FROM notifications WHERE case_id = ?)", id)
		case "appointment_invites":
			count(table, "SELECT count(*) FROM appointment_invites WHERE appointment_id IN (SELECT id FROM appointments WHERE case_id = ?)", id)
		case "case_links":
			count(table, "SELECT count(*) FROM case_links WHERE from_case = ? OR to_case = ?", id, id)
		case "case_referrals":
			count(table, "SELECT count(*) FROM case_referrals WHERE case_id = ? OR linked_case_id = ?", id, id)
		default:
			count(table, "SELECT count(*) FROM "+table+" WHERE case_id = ?", id)
		}
	}
	if st.Dialect() == store.Postgres {
		count("case_search", "SELECT count(*) FROM case_search WHERE case_id = ?", id)
	} else {
		count("case_search", "SELECT count(*) FROM case_search WHERE rowid = ?", id)
	}
	return out
}

// The purge's plan, as of a moment: the closed cases past their kind's retention
// period, less each hold (an agreement's judicial confirmation applied for, an open
// referral, a red warning, a tie to an open case or to a closed case that stays).
// Planning removes nothing.
func TestPurgePlanHoldsEachRule(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		p := seedPurgeCounty(t, st)
		before := map[int64]map[string]int64{}
		for _, id := range p.ids {
			before[id] = caseRows(t, st, p.ctx, id)
		}
		plan, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		got := map[int64]string{}
		for _, c := range plan.Remove {
			got[c.ID] = "removed"
		}
		for _, c := range plan.Held {
			got[c.ID] = "held: " + c.Hold
		}
		for name, id := range p.ids {
			want := ""
			switch {
			case name[:len("removed")] == "removed":
				want = "removed"
			case name[:4] == "held":
				want = "held: " + name[len("held: "):]
				if i := len(want) - len(" (merged)"); i > 0 && want[i:] == " (merged)" {
					want = want[:i]
				}
				if i := len(want) - len(" (legal aid)"); i > 0 && want[i:] == " (legal aid)" {
					want = want[:i]
				}
			}
			if got[id] != want {
				t.Errorf("%s (case %d): %q, want %q", name, id, got[id], want)
			}
		}
		// The tied cases go in one transaction.
		tied := []int64{p.ids["removed: tied to a removed case"], p.ids["removed: the case it is tied to"], p.ids["removed: merged into a removed case"]}
		slices.Sort(tied)
		found := false
		for _, g := range plan.Groups {
			s := slices.Clone(g)
			slices.Sort(s)
			found = found || slices.Equal(s, tied)
		}
		if !found {
			t.Errorf("groups %v: the tied cases %v are not one group", plan.Groups, tied)
		}
		for _, id := range p.ids {
			if after := caseRows(t, st, p.ctx, id); fmt.Sprint(after) != fmt.Sprint(before[id]) {
				t.Errorf("planning changed case %d's rows: %v, before %v", id, after, before[id])
			}
		}
		// A year earlier, the rejected case (closed 2012-07) is not due yet; a rule
		// of 永久 keeps its kind whatever its age.
		earlier, err := st.PlanPurge(p.ctx, time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC))
		must(t, err)
		if slices.ContainsFunc(earlier.Remove, func(c store.PurgeCase) bool { return c.ID == p.ids["removed: rejected"] }) {
			t.Error("a dispute closed 2012-07 is due by 2022-06 under a 10-year rule")
		}
		must(t, st.SaveRetentionRule(p.ctx, store.RetentionRule{Kind: "dispute", Years: 0, Basis: "test"}))
		forever, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		if len(forever.Remove)+len(forever.Held) != 0 {
			t.Errorf("with disputes kept 永久: %d to remove, %d held", len(forever.Remove), len(forever.Held))
		}
	})
}

// The purge removes exactly the cases of its plan, each with every row that hangs
// off it and its search entry; the cases kept keep theirs; the audit log keeps its
// entries about the removed cases, gains one entry for the run, and still verifies.
func TestPurgeRemovesExactlyTheDueCasesAndTheirRows(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		p := seedPurgeCounty(t, st)
		full := caseRows(t, st, p.ctx, p.ids[p.full])
		for _, table := range []string{"cases", "case_parties", "case_events", "case_search", "notifications", "outbox", "case_attachments",
			"case_incidents", "supervisions", "mediation_agreements", "case_referrals"} {
			if full[table] == 0 {
				t.Fatalf("the fixture's full case has no %s row: %v", table, full)
			}
		}
		before := map[int64]map[string]int64{}
		for _, id := range p.ids {
			before[id] = caseRows(t, st, p.ctx, id)
		}
		audited := func() int {
			rows, err := st.AuditRows(p.ctx, store.AuditFilter{Action: "case.register", Limit: 1000})
			must(t, err)
			return len(rows)
		}
		registrations := audited()
		plan, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		records, err := st.CaseRecordsOf(p.ctx, []int64{p.ids[p.full]})
		must(t, err)
		if len(records) != 1 || len(records[0].Rows["case_parties"]) != 1 || records[0].Rows["case_parties"][0]["phone"] != "13800000000" ||
			len(records[0].Rows["outbox"]) != 1 || len(records[0].Audit) != 1 {
			t.Fatalf("the full case's records: %+v", records)
		}
		var batches []int
		removed, err := st.PurgeCases(p.ctx, plan, store.PurgeRun{ExportPath: "/tmp/x.jsonl", ExportSHA256: "abc123", Cases: len(plan.Remove), Rules: store.RetentionText(plan.Rules)},
			func(n int) { batches = append(batches, n) })
		must(t, err)
		if removed != len(plan.Remove) || len(batches) != 1 {
			t.Fatalf("removed %d of %d in batches %v", removed, len(plan.Remove), batches)
		}
		for name, id := range p.ids {
			after := caseRows(t, st, p.ctx, id)
			if name[:7] == "removed" {
				if len(after) != 0 {
					t.Errorf("%s (case %d) left rows: %v", name, id, after)
				}
				continue
			}
			want := before[id]
			if fmt.Sprint(after) != fmt.Sprint(want) {
				t.Errorf("%s (case %d): rows %v, before %v", name, id, after, want)
			}
		}
		if got := audited(); got != registrations {
			t.Errorf("%d registration entries after the purge, %d before: the audit log lost entries", got, registrations)
		}
		runs, err := st.AuditRows(p.ctx, store.AuditFilter{Action: "case.purge"})
		must(t, err)
		if len(runs) != 1 || runs[0].Object != "purge:abc123" {
			t.Fatalf("purge entries %+v, want one naming the export", runs)
		}
		rows, brk, err := st.VerifyAudit(p.ctx)
		if err != nil || brk != nil {
			t.Fatalf("audit chain after the purge: %d rows, break %+v, %v", rows, brk, err)
		}
		// The dashboards' rollups count what is left, as a recount does.
		if diffs, err := st.VerifyRollups(p.ctx); err != nil || len(diffs) != 0 {
			t.Errorf("rollups after the purge differ from a recount: %v %v", diffs, err)
		}
		// Run again: nothing left to remove, and nothing more is written.
		again, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		if len(again.Remove) != 0 || len(again.Held) != len(plan.Held) {
			t.Errorf("a second plan: %d to remove, %d held; want 0 and %d", len(again.Remove), len(again.Held), len(plan.Held))
		}
	})
}

// A batch whose cases changed since the plan (here: linked to an open case after it)
// is refused whole; nothing of it is removed.
func TestPurgeRefusesABatchThatChangedSinceThePlan(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		p := seedPurgeCounty(t, st)
		plan, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		must(t, st.InTx(p.ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
			return tx.InsertLink(p.ctx, &model.CaseLink{FromCase: p.ids["kept: open"], ToCase: p.ids["removed: rejected"], Kind: model.LinkEarlier, CreatedAt: p.at})
		}))
		removed, err := st.PurgeCases(p.ctx, plan, store.PurgeRun{ExportSHA256: "x", Cases: len(plan.Remove)}, nil)
		if err == nil || removed != 0 {
			t.Fatalf("a changed batch: removed %d, %v", removed, err)
		}
		if rows := caseRows(t, st, p.ctx, p.ids[p.full]); rows["cases"] != 1 {
			t.Errorf("the refused batch removed the full case: %v", rows)
		}
	})
}

// A purge killed between batches has removed whole batches only: every case is
// there with all its rows or gone with all of them, and a run again finishes,
// writing its own audit entry. The chain verifies.
func TestPurgeKilledHalfWayFinishesOnARunAgain(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		p := seedPurgeCounty(t, st)
		before := map[int64]map[string]int64{}
		for _, id := range p.ids {
			before[id] = caseRows(t, st, p.ctx, id)
		}
		plan, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		killed, kill := context.WithCancel(p.ctx)
		removed, err := st.PurgeCases(killed, plan, store.PurgeRun{ExportSHA256: "first", Cases: len(plan.Remove), BatchCases: 1},
			func(int) { kill() })
		if err == nil || removed == 0 || removed >= len(plan.Remove) {
			t.Fatalf("the killed run removed %d of %d: %v", removed, len(plan.Remove), err)
		}
		gone := 0
		for name, id := range p.ids {
			after := caseRows(t, st, p.ctx, id)
			switch {
			case len(after) == 0:
				gone++
			case fmt.Sprint(after) != fmt.Sprint(before[id]):
				t.Errorf("%s (case %d) half removed: %v, before %v", name, id, after, before[id])
			}
		}
		if gone != removed {
			t.Errorf("%d cases gone, the run said %d", gone, removed)
		}
		rest, err := st.PlanPurge(p.ctx, p.at)
		must(t, err)
		if len(rest.Remove) != len(plan.Remove)-removed {
			t.Fatalf("the run again plans %d, want %d", len(rest.Remove), len(plan.Remove)-removed)
		}
		n, err := st.PurgeCases(p.ctx, rest, store.PurgeRun{ExportSHA256: "second", Cases: len(rest.Remove)}, nil)
		must(t, err)
		if removed+n != len(plan.Remove) {
			t.Errorf("the two runs removed %d+%d of %d", removed, n, len(plan.Remove))
		}
		runs, err := st.AuditRows(p.ctx, store.AuditFilter{Action: "case.purge"})
		must(t, err)
		if len(runs) != 2 {
			t.Errorf("%d purge entries, want one per run: %+v", len(runs), runs)
		}
		if rows, brk, err := st.VerifyAudit(p.ctx); err != nil || brk != nil {
			t.Fatalf("audit chain: %d rows, break %+v, %v", rows, brk, err)
		}
	})
}

// Every table with a foreign key to cases is one the purge deletes from: a table
// added later without being named fails here, not at a county's purge.
func TestPurgeCoversEveryTableNamingACase(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		tables, err := st.TablesNamingCases(context.Background())
		must(t, err)
		covered := append(store.CaseRowTables(), "cases", "case_search")
		for _, table := range tables {
			if !slices.Contains(covered, table) {
				t.Errorf("table %s names a case and the purge does not delete from it", table)
			}
		}
		if len(tables) < 15 {
			t.Errorf("only %d tables name a case: %v", len(tables), tables)
		}
	})
}

// FuzzParseRetentionRule: whatever an administrator types, a period is accepted only
// as a known kind, 0 to MaxRetentionYears whole years and non-empty grounds, and a
// refusal names its field.
func FuzzParseRetentionRule(f *testing.F) {
	f.Add("dispute", "10", "保管期限表第12条")
	f.Add("petition", "0", "永久")
	f.Add("nope", "-1", "")
	f.Add("hazard", "101", " ")
	f.Fuzz(func(t *testing.T, kind, years, basis string) {
		r, err := store.ParseRetentionRule(kind, years, basis)
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || (fe.Field != "kind" && fe.Field != "years" && fe.Field != "basis") {
				t.Fatalf("refusal names no field: %v", err)
			}
			return
		}
		if r.Kind != kind || r.Years < 0 || r.Years > store.MaxRetentionYears || strings.TrimSpace(r.Basis) == "" {
			t.Fatalf("accepted %q %q %q as %+v", kind, years, basis, r)
		}
	})
}
