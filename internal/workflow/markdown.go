package workflow

import (
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

// RulesMarkdown renders the transition table as docs/permissions.md carries it: per
// action, the states it may be taken in, who may take it (and in what relation to the
// case), what must hold and who may not (separation of duties), what they must
// supply, and the state that follows.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| action | 中文 | from | who | needs | to |\n|---|---|---|---|---|---|\n")
	for _, r := range rules {
		var from, who, needs []string
		for _, s := range r.From {
			if s == StateNone {
				from = append(from, "(new)")
				continue
			}
			from = append(from, string(s))
		}
		for _, g := range r.Grants {
			w := string(g.Role)
			if g.If != AnyCase {
				w += " (" + string(g.If) + ")"
			}
			who = append(who, w)
		}
		for _, c := range r.When {
			needs = append(needs, "when "+string(c))
		}
		if r.NotBy != "" {
			needs = append(needs, "not by whoever did `"+string(r.NotBy)+"`")
		}
		for _, n := range r.Needs {
			needs = append(needs, string(n))
		}
		to := string(r.To)
		if r.ToIfUnsatisfied != "" {
			to += ", " + string(r.ToIfUnsatisfied) + " if unsatisfied"
		}
		b.WriteString("| `" + string(r.Action) + "` | " + r.Action.Label() + " | " + strings.Join(from, ", ") + " | " +
			strings.Join(who, ", ") + " | " + strings.Join(needs, ", ") + " | " + to + " |\n")
	}
	return b.String()
}

// RegisterRoles are the roles the table lets register a case.
func RegisterRoles() []model.Role {
	var out []model.Role
	for _, g := range rulesByAction[ActionRegister].Grants {
		out = append(out, g.Role)
	}
	return out
}
