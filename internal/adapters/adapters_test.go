package adapters

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

const goodMapping = `{"fields": {"external_id": "gdbh", "description": "sqnr", "category": "lbdm", "region": "qydm",
  "caller_phone": "ldr.dh", "received_at": "slsj", "title": "bt"},
  "categories": {"0301": "dispute.labour"}, "regions": {"附城镇": "622922100"}}`

func fieldOf(err error) string {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestParseMappingNamesTheField(t *testing.T) {
	for _, tt := range []struct {
		name, raw, field string
	}{
		{"good", goodMapping, ""},
		{"not JSON", `{"fields": `, "mapping"},
		{"unknown member", `{"fields": {}, "categroies": {}}`, "mapping"},
		{"trailing data", goodMapping + `{}`, "mapping"},
		{"unknown field", strings.Replace(goodMapping, `"title"`, `"titel"`, 1), "mapping.fields.titel"},
		{"external id not mapped", strings.Replace(goodMapping, `"external_id": "gdbh", `, ``, 1), "mapping.fields.external_id"},
		{"description not mapped", strings.Replace(goodMapping, `"description": "sqnr", `, ``, 1), "mapping.fields.description"},
		{"category not mapped", strings.Replace(goodMapping, `"category": "lbdm", `, ``, 1), "mapping.fields.category"},
		{"region blank", strings.Replace(goodMapping, `"region": "qydm"`, `"region": " "`, 1), "mapping.fields.region"},
		{"empty path step", strings.Replace(goodMapping, `"ldr.dh"`, `"ldr..dh"`, 1), "mapping.fields.caller_phone"},
		{"path too long", strings.Replace(goodMapping, `"ldr.dh"`, `"`+strings.Repeat("a", 101)+`"`, 1), "mapping.fields.caller_phone"},
		{"path of 100", strings.Replace(goodMapping, `"ldr.dh"`, `"`+strings.Repeat("a", 100)+`"`, 1), ""},
		{"empty target", strings.Replace(goodMapping, `"dispute.labour"`, `""`, 1), "mapping.categories.0301"},
		{"empty code", strings.Replace(goodMapping, `"附城镇"`, `""`, 1), "mapping.regions."},
		{"bad list path", strings.Replace(goodMapping, `"categories"`, `"list": ".x", "categories"`, 1), "mapping.list"},
		{"bad cursor path", strings.Replace(goodMapping, `"categories"`, `"next_cursor": "a.", "categories"`, 1), "mapping.next_cursor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMapping(tt.raw)
			if got := fieldOf(err); got != tt.field || (tt.field == "") != (err == nil) {
				t.Fatalf("error %v naming %q, want %q", err, got, tt.field)
			}
		})
	}
}

func TestMappingBoundsValueMappings(t *testing.T) {
	m, err := ParseMapping(goodMapping)
	if err != nil {
		t.Fatal(err)
	}
	m.Categories, m.Regions = map[string]string{}, map[string]string{}
	for i := 0; i < MaxValueMappings; i++ {
		m.Categories[strconv.Itoa(i)] = "dispute.labour"
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("%d value mappings refused: %v", MaxValueMappings, err)
	}
	m.Regions["x"] = "622922"
	if err := m.Validate(); fieldOf(err) != "mapping" {
		t.Fatalf("%d value mappings: %v", MaxValueMappings+1, err)
	}
}

func TestParseOrder(t *testing.T) {
	m, err := ParseMapping(goodMapping)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOrder([]byte(`{"gdbh": 12345678901234567890, "sqnr": " 工资 ", "lbdm": "0301", "qydm": "附城镇",
		"ldr": {"dh": "139 1234 5678"}, "slsj": "2026-03-05 09:30:00", "extra": [1]}`), m)
	if err != nil {
		t.Fatal(err)
	}
	// A long numeric id keeps its digits; texts are trimmed; the time is China time.
	if o.ExternalID != "12345678901234567890" || o.Description != "工资" || o.CallerPhone != "139 1234 5678" ||
		!o.ReceivedAt.Equal(time.Date(2026, 3, 5, 9, 30, 0, 0, workflow.ChinaTime)) {
		t.Fatalf("order %+v", o)
	}
	for _, tt := range []struct {
		name, raw, field string
	}{
		{"not an object", `[1]`, "order"},
		{"trailing data", `{"gdbh": "1", "sqnr": "x", "lbdm": "1", "qydm": "1"} {}`, "order"},
		{"no id", `{"sqnr": "x", "lbdm": "1", "qydm": "1"}`, "order.gdbh"},
		{"empty description", `{"gdbh": "1", "sqnr": "  ", "lbdm": "1", "qydm": "1"}`, "order.sqnr"},
		{"no category", `{"gdbh": "1", "sqnr": "x", "qydm": "1"}`, "order.lbdm"},
		{"region null", `{"gdbh": "1", "sqnr": "x", "lbdm": "1", "qydm": null}`, "order.qydm"},
		{"id an object", `{"gdbh": {"a": 1}, "sqnr": "x", "lbdm": "1", "qydm": "1"}`, "order.gdbh"},
		{"phone not reachable", `{"gdbh": "1", "sqnr": "x", "lbdm": "1", "qydm": "1", "ldr": "13912345678"}`, ""},
		{"id too long", `{"gdbh": "` + strings.Repeat("9", MaxExternalID+1) + `", "sqnr": "x", "lbdm": "1", "qydm": "1"}`, "order.gdbh"},
		{"id of the maximum", `{"gdbh": "` + strings.Repeat("9", MaxExternalID) + `", "sqnr": "x", "lbdm": "1", "qydm": "1"}`, ""},
		{"bad time", `{"gdbh": "1", "sqnr": "x", "lbdm": "1", "qydm": "1", "slsj": "昨天"}`, "order.slsj"},
		{"unix millis", `{"gdbh": "1", "sqnr": "x", "lbdm": "1", "qydm": "1", "slsj": 1772674200000}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOrder([]byte(tt.raw), m)
			if got := fieldOf(err); got != tt.field || (tt.field == "") != (err == nil) {
				t.Fatalf("error %v naming %q, want %q", err, got, tt.field)
			}
		})
	}
}

func TestResolveNeverGuesses(t *testing.T) {
	m, _ := ParseMapping(goodMapping)
	for _, tt := range []struct {
		category, region string
		missing          []Unmapped
	}{
		{"0301", "附城镇", nil},
		{"0302", "附城镇", []Unmapped{{FieldCategory, "0302"}}},
		{"0301", "附城", []Unmapped{{FieldRegion, "附城"}}}, // a name without 镇 is not matched to the nearest
		{"301", "附城镇 ", []Unmapped{{FieldCategory, "301"}, {FieldRegion, "附城镇 "}}},
	} {
		cat, reg, missing := m.Resolve(Order{Category: tt.category, Region: tt.region})
		if len(missing) != len(tt.missing) {
			t.Fatalf("%s/%s: missing %v, want %v", tt.category, tt.region, missing, tt.missing)
		}
		for i := range missing {
			if missing[i] != tt.missing[i] {
				t.Fatalf("%s/%s: missing %v, want %v", tt.category, tt.region, missing, tt.missing)
			}
		}
		if tt.missing == nil && (cat != "dispute.labour" || reg != "622922100") {
			t.Fatalf("resolved to %s %s", cat, reg)
		}
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	body := []byte(`{"gdbh":"1"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := Sign("k", ts, body)
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	for _, tt := range []struct {
		name, ts, sig string
		body          []byte
		want          error
	}{
		{"good", ts, sig, body, nil},
		{"with its prefix", ts, "sha256=" + sig, body, nil},
		{"body changed", ts, sig, []byte(`{"gdbh":"2"}`), ErrBadSignature},
		{"timestamp changed", at(time.Second), sig, body, ErrBadSignature},
		{"not hex", ts, "zz", body, ErrBadSignature},
		{"no signature", ts, "", body, ErrNoSignature},
		{"no timestamp", "", sig, body, ErrNoTimestamp},
		{"timestamp in ms", ts + "000", sig, body, ErrStale},
		{"5 minutes old", at(-MaxSkew), Sign("k", at(-MaxSkew), body), body, nil},
		{"5 minutes and a second old", at(-MaxSkew - time.Second), Sign("k", at(-MaxSkew-time.Second), body), body, ErrStale},
		{"5 minutes ahead", at(MaxSkew), Sign("k", at(MaxSkew), body), body, nil},
		{"5 minutes and a second ahead", at(MaxSkew + time.Second), Sign("k", at(MaxSkew+time.Second), body), body, ErrStale},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := Verify("k", tt.ts, tt.sig, tt.body, now); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
		})
	}
	if Verify("other", ts, sig, body, now) == nil {
		t.Fatal("another secret's signature verified")
	}
}

func TestPushBackMasksTheReply(t *testing.T) {
	priv := model.Private{Parties: []model.Party{{Name: "张建国", Phone: "13912345678"}}, TrackingCode: "K7Q2M9"}
	ev := model.CaseEvent{Action: string(workflow.ActionResolve), Note: "已向张建国（13912345678）结清工资，查询码K7Q2M9", At: time.Now()}
	pb, ok := NewPushBack("GD1", 7, ev, workflow.OutcomeMediatedOral, "", priv)
	body := string(pb.JSON())
	if !ok || pb.Status != StatusResolved || pb.Outcome != "mediated_oral" || strings.Contains(body, "13912345678") ||
		strings.Contains(body, "张建国") || strings.Contains(body, "K7Q2M9") || !strings.Contains(body, "结清工资") {
		t.Fatalf("push-back %s", body)
	}
	for a, want := range map[workflow.Action]string{workflow.ActionAccept: StatusAccepted, workflow.ActionReject: StatusRejected,
		workflow.ActionVisit: StatusVisited, workflow.ActionResolve: StatusResolved, workflow.ActionComment: "", workflow.ActionAssign: ""} {
		if got := StatusOf(a); got != want {
			t.Errorf("StatusOf(%s) = %q, want %q", a, got, want)
		}
	}
}

func TestParsePage(t *testing.T) {
	m, _ := ParseMapping(goodMapping)
	p, err := ParsePage([]byte(`{"orders": [{"gdbh": 1}, {"gdbh": 2}], "next_cursor": 42}`), m)
	if err != nil || len(p.Orders) != 2 || p.NextCursor != "42" || string(p.Orders[0]) != `{"gdbh":1}` {
		t.Fatalf("page %+v %v", p, err)
	}
	m.List, m.NextCursor = "data.records", "data.next"
	if p, err = ParsePage([]byte(`{"data": {"records": [], "next": ""}}`), m); err != nil || len(p.Orders) != 0 || p.NextCursor != "" {
		t.Fatalf("empty page %+v %v", p, err)
	}
	if _, err = ParsePage([]byte(`{"data": {"records": {}}}`), m); fieldOf(err) != "page.data.records" {
		t.Fatalf("records not a list: %v", err)
	}
}
