package cases

import (
	"context"
	"encoding/json"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
)

// A warning is assessed over the parties' history in every scope, and the stored
// result says so; what a person is shown of it counts only the cases they may see
// (risk.Result.For). This file is the one place where an explanation is worded for a
// person: the warning card (RiskResultFor) and the warning events of the timeline
// (Timeline). A notice, read by people of different scopes alike, counts the case's
// own records only (noticeReader).

// noticeReader is whom a warning's notices and its event's stored note are worded
// for: no one in particular. They count this case's own records and say, without a
// count, that other cases have some; each reader's timeline rewords the note.
var noticeReader = risk.Reader{Mention: risk.FactOtherCases}

// storedRiskResult is the assessment as stored with the case, never shown as it is.
func storedRiskResult(c *model.Case) (risk.Result, bool) {
	var r risk.Result
	if len(c.RiskResult) == 0 || json.Unmarshal(c.RiskResult, &r) != nil {
		return r, false
	}
	return r, true
}

// RiskResultFor is c's assessment as p may be shown it, false when c has none.
func (s *Service) RiskResultFor(ctx context.Context, p *auth.Principal, c *model.Case) (risk.Result, bool, error) {
	res, ok := storedRiskResult(c)
	if !ok {
		return res, false, nil
	}
	rd, err := s.readerFor(ctx, p, res)
	return res.For(rd), true, err
}

// Timeline is the events of c, which p may see, as p is shown them: a warning's
// explanation counts only what p sees, and the assessment its event keeps is left out.
func (s *Service) Timeline(ctx context.Context, p *auth.Principal, c *model.Case) ([]model.CaseEvent, error) {
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	type warning struct {
		at  int
		res *risk.Result // nil: recorded before events kept their assessment
	}
	var warnings []warning
	var results []risk.Result
	for i, ev := range evs {
		if ev.Action != "warning" {
			continue
		}
		var payload struct {
			Reason string       `json:"reason"`
			Result *risk.Result `json:"result"`
		}
		if json.Unmarshal(ev.Payload, &payload) != nil || payload.Reason != "computed" {
			continue
		}
		warnings = append(warnings, warning{at: i, res: payload.Result})
		if payload.Result != nil {
			results = append(results, *payload.Result)
		}
	}
	if len(warnings) == 0 {
		return evs, nil
	}
	rd, err := s.readerFor(ctx, p, results...)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		ev := &evs[w.at]
		switch {
		case w.res != nil:
			ev.Note = w.res.For(rd).Explain()
		case !rd.All:
			// Its note counted every scope's records: only who sees them all reads it.
			ev.Note = ""
		}
		ev.Payload = withoutResult(ev.Payload)
	}
	return evs, nil
}

// withoutResult is a warning event's payload without the assessment it keeps.
func withoutResult(raw json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	if _, ok := m["result"]; !ok {
		return raw
	}
	delete(m, "result")
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// readerFor is who p is to the explanations of results: whether they see every case,
// which of the other cases the results counted they see (one query for all), and
// whether they are told of the rest (auth.PermRiskOutside).
func (s *Service) readerFor(ctx context.Context, p *auth.Principal, results ...risk.Result) (risk.Reader, error) {
	rd := risk.Reader{}
	if p.Can(auth.PermRiskOutside) {
		rd.Mention = risk.FactOutsideScope
	}
	sc := ScopeOf(p)
	// The deployment's root centre sees every case (as auth.ScopeDeployment has it),
	// which is all For needs to know of a result kept before its sources were.
	rd.All = sc.All || sc.RegionPath != "" && p.Region.ParentID == 0
	var ids []int64
	for _, r := range results {
		if r.History == nil {
			continue
		}
		for _, o := range r.History.Others {
			ids = append(ids, o.CaseID)
		}
	}
	seen, err := s.Store.CasesIn(ctx, ids, sc)
	if err != nil {
		return rd, err
	}
	rd.Sees = func(id int64) bool { return seen[id] }
	return rd, nil
}
