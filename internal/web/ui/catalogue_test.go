package ui

import (
	"github.com/onedoor/onedoor/internal/documents"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/web/templates"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Every key a template names literally, and every key it builds from a code, must be
// in every catalogue: a missing key would show its name to a user.
func TestTemplatesUseOnlyCataloguedWords(t *testing.T) {
	if _, err := ParseTemplates(templates.FS); err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`\.T "([^"]+)"`)
	built := regexp.MustCompile(`printf "([a-z_]+)\.%s"`)
	names, _ := fs.Glob(templates.FS, "*.html")
	prefixes := map[string]bool{}
	var keys []string
	for _, n := range names {
		b, _ := fs.ReadFile(templates.FS, n)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		for _, m := range built.FindAllStringSubmatch(string(b), -1) {
			prefixes[m[1]] = true
		}
	}
	codes := map[string][]string{}
	for _, r := range model.AllRoles {
		codes["role"] = append(codes["role"], string(r))
		codes["duty"] = append(codes["duty"], string(r))
	}
	for _, l := range model.AllLevels {
		codes["level"] = append(codes["level"], string(l))
	}
	for _, k := range model.AllKinds {
		codes["kind"] = append(codes["kind"], string(k))
	}
	codes["locale"] = model.Locales
	for _, s := range workflow.AllStates {
		codes["state"] = append(codes["state"], string(s))
	}
	codes["case_action"] = timelineActions
	for _, o := range workflow.AllOutcomes {
		codes["outcome"] = append(codes["outcome"], string(o))
	}
	for _, s := range workflow.AllSatisfactions {
		codes["satisfaction"] = append(codes["satisfaction"], string(s))
	}
	for _, u := range workflow.AllUrgencies {
		codes["urgency"] = append(codes["urgency"], string(u))
	}
	for _, c := range model.AllChannels {
		codes["channel"] = append(codes["channel"], string(c))
	}
	for _, r := range model.AllPartyRoles {
		codes["party_role"] = append(codes["party_role"], string(r))
	}
	for _, m := range workflow.StationModes {
		codes["station_mode"] = append(codes["station_mode"], string(m))
	}
	for _, k := range workflow.DutyKinds {
		codes["duty_kind"] = append(codes["duty_kind"], string(k))
	}
	for _, d := range dueStatuses {
		codes["due"] = append(codes["due"], string(d))
	}
	for _, st := range dueStages {
		codes["stage"] = append(codes["stage"], string(st))
	}
	for _, st := range cases.Stages() {
		codes["stage"] = append(codes["stage"], string(st))
	}
	codes["daykind"] = []string{string(workflow.Holiday), string(workflow.Workday)}
	codes["assignment"] = assignmentStatuses
	codes["then"] = thenChoices
	codes["match"] = matchKinds
	codes["notif_kind"] = notificationKinds
	codes["supervision_level"] = supervisionLevelCodes
	codes["supervision_status"] = supervisionStatusCodes
	for _, l := range risk.AllLevels {
		codes["risk_level"] = append(codes["risk_level"], l.String())
	}
	for _, i := range risk.AllIndicators {
		codes["indicator"] = append(codes["indicator"], string(i))
	}
	codes["incident"] = model.IncidentKinds
	codes["warning_reason"] = warningReasonCodes
	codes["mediation_org_kind"] = mediation.OrgKinds
	codes["talent_kind"] = mediation.TalentKinds
	codes["talent.status"] = []string{"in", "out", "future"}
	for _, k := range documents.Kinds {
		codes["document_kind"] = append(codes["document_kind"], string(k))
	}
	for p := range prefixes {
		if codes[p] == nil {
			t.Errorf("templates build keys from %q.<code>, which this test does not know the codes of", p)
		}
		for _, c := range codes[p] {
			keys = append(keys, p+"."+c)
		}
	}
	for _, it := range navFor(&auth.Principal{User: model.User{Roles: model.AllRoles}}) {
		keys = append(keys, it.Key)
	}
	keys = append(keys, keysInGo(t)...)
	for _, loc := range i18n.Locales() {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %q", loc, k)
			}
		}
	}
}

// keysInGo finds the catalogue keys the web code names: page titles, notices after a
// redirect, and API error codes.
func keysInGo(t *testing.T) []string {
	patterns := []struct {
		re     *regexp.Regexp
		prefix string
	}{
		{regexp.MustCompile(`newPage\(r, "([^"]+)"\)`), ""},
		{regexp.MustCompile(`title := "([^"]+)"`), ""},
		{regexp.MustCompile(`title = "([^"]+)"`), ""},
		{regexp.MustCompile(`redirect\(w, r, [^,]+, "([a-z_]+)"\)`), "notice."},
		{regexp.MustCompile(`Errorf\(r, [^,]+, "([a-z_]+)"`), "error."},
		{regexp.MustCompile(`code := "([a-z_]+)"`), "error."},
		{regexp.MustCompile(`code = "([a-z_]+)"`), "error."},
		{regexp.MustCompile(`refuseCSRF\(w, r, "([a-z_]+)"\)`), "error."},
	}
	var files []string
	for _, dir := range []string{".", "../api", "../httpx", ".."} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		files = append(files, m...)
	}
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range patterns {
			for _, m := range p.re.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, p.prefix+m[1])
			}
		}
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys in Go code; the patterns have gone stale", len(keys))
	}
	return keys
}

// A warning's reasons are worded twice in Chinese: by the risk package for the
// timeline's note (risk.FactWords) and by the zh-CN catalogue for the page. They must
// say the same, and every kind of fact must be in every catalogue.
func TestRiskFactsWordedAlike(t *testing.T) {
	if got, _ := i18n.Lookup("zh-CN", "risk_fact.list_sep"); got != risk.ListSep {
		t.Errorf("zh-CN risk_fact.list_sep = %q, risk.ListSep = %q", got, risk.ListSep)
	}
	for key, words := range risk.FactWords {
		if got, _ := i18n.Lookup("zh-CN", "risk_fact."+key); got != words {
			t.Errorf("zh-CN risk_fact.%s = %q, risk.FactWords says %q", key, got, words)
		}
		for _, loc := range model.Locales {
			if _, ok := i18n.Lookup(loc, "risk_fact."+key); !ok {
				t.Errorf("%s lacks risk_fact.%s", loc, key)
			}
		}
	}
}
