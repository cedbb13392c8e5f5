package api

import (
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/store"
)

// The answers below are the JSON objects handlers build from several values. They
// are named types, not maps, so that the description (routeDocs' Answer) can say
// their fields and TestDescribedAnswersAreTheWrittenOnes can hold it to them. Fields
// are in the order of their JSON names, the order encoding/json wrote the maps in.

// approvalsAnswer is a leader's 待审批: what waits on them, counted, and the items.
type approvalsAnswer struct {
	Counts     approvalCounts      `json:"counts"`
	Extensions []caseView          `json:"extensions"`
	Replies    []store.Supervision `json:"replies"`
	Warnings   []caseView          `json:"warnings"`
}

type approvalCounts struct {
	Extensions int `json:"extensions"`
	Replies    int `json:"replies"`
	Total      int `json:"total"`
	Warnings   int `json:"warnings"`
}

// rosterAnswer is who is at a centre on a day (今日在岗).
type rosterAnswer struct {
	Away     []store.Station `json:"away"`
	Centre   string          `json:"centre"`
	CentreID int64           `json:"centre_id"`
	Day      string          `json:"day"`
	Leaders  []store.Shift   `json:"leaders"`
	OnCall   []store.Station `json:"on_call"`
	Present  []store.Station `json:"present"`
	Workday  bool            `json:"workday"`
}

// sessionWithdrawn is a withdrawn reception session and how many of its bookings
// were cancelled with it.
type sessionWithdrawn struct {
	Cancelled int                    `json:"cancelled"`
	Session   store.ReceptionSession `json:"session"`
}

// teamMemberRemoved names the team member removed from a case.
type teamMemberRemoved struct {
	Removed int64 `json:"removed"`
}

// caseDocumentsAnswer is which documents may be issued on a case now (and why
// not), and those issued.
type caseDocumentsAnswer struct {
	Issued []store.IssuedDocument `json:"issued"`
	Offers []cases.DocumentOffer  `json:"offers"`
}

// documentTemplateAnswer is a document's wording in force, its placeholders and its
// saved versions.
type documentTemplateAnswer struct {
	Placeholders []documents.Placeholder `json:"placeholders"`
	Template     documents.Template      `json:"template"`
	Versions     []documents.Template    `json:"versions"`
}

// followUpAnswer is a case's follow-up plan (null when none) and its visits.
type followUpAnswer struct {
	Plan   *store.FollowUpPlan   `json:"plan"`
	Visits []store.FollowUpVisit `json:"visits"`
}

// evaluationSchemesAnswer lists the evaluation schemes (考评方案) in force.
type evaluationSchemesAnswer struct {
	Schemes []evaluationSchemeView `json:"schemes"`
}

// evaluationSchemeView is a scheme, and whether an administrator added it.
type evaluationSchemeView struct {
	evaluation.Scheme
	Custom bool `json:"custom"`
}

// mediationOrgsAnswer lists mediation organisations with their members.
type mediationOrgsAnswer struct {
	Organisations []store.MediationOrg `json:"organisations"`
}

// talentAnswer lists the talent pool.
type talentAnswer struct {
	People []store.Talent `json:"people"`
}

// recommendationsAnswer lists the people recommended for a case.
type recommendationsAnswer struct {
	Recommendations []recommendationView `json:"recommendations"`
}
