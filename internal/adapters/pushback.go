package adapters

import (
	"encoding/json"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Push-back statuses: what a platform is told of its order.
const (
	StatusAccepted = "accepted" // 受理
	StatusRejected = "rejected" // 不予受理
	StatusResolved = "resolved" // 办结, with the outcome and the reply
	StatusVisited  = "visited"  // 回访, with the satisfaction
)

// StatusOf is the status an action reports to the platform, "" for an action the
// platform is not told of.
func StatusOf(a workflow.Action) string {
	switch a {
	case workflow.ActionAccept:
		return StatusAccepted
	case workflow.ActionReject:
		return StatusRejected
	case workflow.ActionResolve:
		return StatusResolved
	case workflow.ActionVisit:
		return StatusVisited
	}
	return ""
}

// PushBack is the body posted to a platform's push-back URL.
type PushBack struct {
	ExternalID   string    `json:"external_id"`
	Status       string    `json:"status"`
	StatusLabel  string    `json:"status_label"`
	At           time.Time `json:"at"`
	CaseNumber   int64     `json:"case_id"`
	Outcome      string    `json:"outcome,omitempty"`
	OutcomeLabel string    `json:"outcome_label,omitempty"`
	Satisfaction string    `json:"satisfaction,omitempty"`
	Reply        string    `json:"reply,omitempty"`
}

var statusLabels = map[string]string{StatusAccepted: "已受理", StatusRejected: "不予受理", StatusResolved: "已办结", StatusVisited: "已回访"}

// NewPushBack is the push-back of an event of a case. The reply (the event's note)
// leaves onedoor, so it passes the one masking rule with what identifies the case's
// people.
func NewPushBack(externalID string, caseID int64, ev model.CaseEvent, outcome workflow.Outcome, satisfaction string, priv model.Private) (PushBack, bool) {
	status := StatusOf(workflow.Action(ev.Action))
	if status == "" {
		return PushBack{}, false
	}
	p := PushBack{ExternalID: externalID, Status: status, StatusLabel: statusLabels[status], At: ev.At.UTC(), CaseNumber: caseID,
		Reply: model.MaskText(ev.Note, priv)}
	if status == StatusResolved && outcome != "" {
		p.Outcome, p.OutcomeLabel = string(outcome), outcome.Label()
	}
	if status == StatusVisited {
		p.Satisfaction = satisfaction
	}
	return p, true
}

// JSON is the push-back's body.
func (p PushBack) JSON() []byte {
	b, _ := json.Marshal(p)
	return b
}
