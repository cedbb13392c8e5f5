package model

import (
	"encoding/json"
	"time"
)

// Channel is how a case reached the centre (DESIGN.md §3).
type Channel string

const (
	ChannelWalkIn   Channel = "walk_in"  // 来访
	ChannelPhone    Channel = "phone"    // 来电
	ChannelPortal   Channel = "portal"   // 网上/扫码
	ChannelPhoto    Channel = "photo"    // 随手拍
	ChannelGrid     Channel = "grid"     // 网格员上报
	ChannelTransfer Channel = "transfer" // 部门移交
	ChannelHotline  Channel = "hotline"  // 12345
	ChannelXinfang  Channel = "xinfang"  // 信访系统: a petition work order pushed by the 信访 information system
	ChannelOpen311  Channel = "open311"  // Open311 API
	ChannelImport   Channel = "import"   // 导入
)

// AllChannels in the order the intake desk lists them.
var AllChannels = []Channel{ChannelWalkIn, ChannelPhone, ChannelPortal, ChannelPhoto, ChannelGrid, ChannelTransfer, ChannelHotline, ChannelXinfang, ChannelOpen311, ChannelImport}

// HandChannels are the channels the intake desk registers by hand, in its order: the
// others register themselves — the public portal (网上/扫码, 随手拍), the 信访 system's
// work orders, Open311 and imports of old ledgers.
var HandChannels = []Channel{ChannelWalkIn, ChannelPhone, ChannelHotline, ChannelGrid, ChannelTransfer}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, x := range AllChannels {
		if x == c {
			return true
		}
	}
	return false
}

// PartyRole is a party's place in a case.
type PartyRole string

const (
	PartyApplicant      PartyRole = "applicant"      // 申请人/反映人
	PartyRepresentative PartyRole = "representative" // 代表人: elected by a group to speak for it
	PartyRespondent     PartyRole = "respondent"     // 被申请人
	PartyThirdParty     PartyRole = "third_party"    // 第三人: has a stake in the outcome
	PartyAgent          PartyRole = "agent"          // 委托代理人: acts for a party by mandate
	PartyGuardian       PartyRole = "guardian"       // 监护人: acts for a minor or a person without full capacity
	PartyOther          PartyRole = "other"          // 其他当事人
)

// AllPartyRoles lists the party roles in the order the intake desk offers them.
var AllPartyRoles = []PartyRole{PartyApplicant, PartyRepresentative, PartyRespondent, PartyThirdParty, PartyAgent, PartyGuardian, PartyOther}

// Valid reports whether r is a known party role.
func (r PartyRole) Valid() bool {
	for _, x := range AllPartyRoles {
		if x == r {
			return true
		}
	}
	return false
}

// ActsForAnother reports whether a party of this role speaks for another party of the
// case (Party.ActsFor names which): an agent for their principal, a guardian for
// their ward.
func (r PartyRole) ActsForAnother() bool {
	return r == PartyAgent || r == PartyGuardian
}

// MaxRepresentatives is how many representatives a group may elect: the 信访工作条例
// (多人走访推选代表) and 民事诉讼法解释 Art 78 (代表人诉讼) both allow at most five.
const MaxRepresentatives = 5

// GroupPeople is how many people involved make a case a group case (群体性), as the
// warning rules count it (DESIGN.md §4).
const GroupPeople = 5

// IsGroup reports whether the case is a group case: at least two households, at least
// GroupPeople people, or a representative elected.
func (c *Case) IsGroup() bool {
	if c.Households >= 2 || c.PeopleCount >= GroupPeople {
		return true
	}
	for _, p := range c.Parties {
		if p.Role == PartyRepresentative {
			return true
		}
	}
	return false
}

// Representatives counts the case's representative parties.
func (c *Case) Representatives() int {
	n := 0
	for _, p := range c.Parties {
		if p.Role == PartyRepresentative {
			n++
		}
	}
	return n
}

// PartiesInOrder is the parties as a case page lists them: a group's representatives
// first, whom the centre talks to, then everyone else in the order registered.
func PartiesInOrder(parties []Party) []Party {
	out := make([]Party, 0, len(parties))
	for _, p := range parties {
		if p.Role == PartyRepresentative {
			out = append(out, p)
		}
	}
	for _, p := range parties {
		if p.Role != PartyRepresentative {
			out = append(out, p)
		}
	}
	return out
}

// Case is one registered matter. State and the other workflow fields hold the codes of
// internal/workflow; this package does not import it.
type Case struct {
	ID               int64      `json:"id"`
	TrackingCode     string     `json:"tracking_code"`
	Kind             CaseKind   `json:"kind"`
	CategoryID       int64      `json:"category_id"`
	CategoryCode     string     `json:"category_code"`
	Channel          Channel    `json:"channel"`
	RegionID         int64      `json:"region_id"`
	RegionPath       string     `json:"-"`
	GridID           int64      `json:"grid_id,omitempty"`
	CentreID         int64      `json:"centre_id"`
	Address          string     `json:"address"`
	Lat              *float64   `json:"lat,omitempty"`
	Lng              *float64   `json:"lng,omitempty"`
	Title            string     `json:"title"`
	Description      string     `json:"description"`
	Urgency          string     `json:"urgency"`
	PeopleCount      int        `json:"people_count"`
	Households       int        `json:"households,omitempty"` // 涉及户数 of a group case; 0 when not counted
	AmountFen        int64      `json:"amount_fen"`
	State            string     `json:"state"`
	SuspendedFrom    string     `json:"suspended_from,omitempty"`
	AtCentre         bool       `json:"at_centre"`
	Outcome          string     `json:"outcome,omitempty"`
	Satisfaction     string     `json:"satisfaction,omitempty"`
	MergedInto       int64      `json:"merged_into,omitempty"`
	ExtensionPending bool       `json:"extension_pending"`
	ExtensionDays    int        `json:"extension_days,omitempty"`
	DueStage         string     `json:"due_stage,omitempty"`
	DueAt            *time.Time `json:"due_at,omitempty"`
	DueFlag          string     `json:"due_flag,omitempty"`          // as the last deadline sweep saw it: due_soon, overdue; paused while suspended
	DueBasis         string     `json:"due_basis,omitempty"`         // the rule in force for the deadline's stage: its legal basis; filled on reading one case
	SupervisionLevel string     `json:"supervision_level,omitempty"` // highest open supervision: normal, yellow, red
	RegisteredBy     int64      `json:"registered_by,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	AcceptedAt       *time.Time `json:"accepted_at,omitempty"`
	ResolvedAt       *time.Time `json:"resolved_at,omitempty"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
	Version          int        `json:"version"`
	Injured          bool       `json:"injured"` // 有人受伤
	// ResolvedDueAt is the handling deadline in force when the case was resolved (nil
	// while it is not, or when it had none): 按期办结 compares ResolvedAt with it.
	ResolvedDueAt *time.Time `json:"resolved_due_at,omitempty"`
	Reopened      int        `json:"reopened,omitempty"` // times a party's 不满意 reopened it (重新办理)

	// The four-colour warning (DESIGN.md §4), as codes of internal/risk: none, blue,
	// yellow, orange, red. RiskLevel is in force; RiskComputed is what the rules gave
	// at the last assessment, explained by RiskResult (risk.Result as JSON). The stored
	// result counts the parties' history across every scope, so it is never shown as
	// it is: cases.Service.RiskResultFor words it for its reader.
	RiskLevel       string          `json:"risk_level"`
	RiskComputed    string          `json:"risk_computed"`
	RiskScore       int             `json:"risk_score"`
	RiskResult      json.RawMessage `json:"-"`
	RiskSince       *time.Time      `json:"risk_since,omitempty"`        // when the level in force was set
	RiskHolderID    int64           `json:"risk_holder_id,omitempty"`    // 包案领导
	RiskResponseBy  *time.Time      `json:"risk_response_by,omitempty"`  // the response the warning demands is due
	RiskRespondedAt *time.Time      `json:"risk_responded_at,omitempty"` // the last response
	RiskEscalated   bool            `json:"risk_escalated,omitempty"`    // the response came late and was escalated
	RiskQuietSince  *time.Time      `json:"risk_quiet_since,omitempty"`  // quiet since: the level set or the last incident, whichever is later
	RiskVisits      int             `json:"risk_visits,omitempty"`       // return visits recorded since the level was set
	RiskReportAt    *time.Time      `json:"risk_report_at,omitempty"`    // the warning's last order issued or answered, none open; nil while one is

	Parties     []Party      `json:"parties,omitempty"`
	Assignments []Assignment `json:"assignments,omitempty"`
}

// Party is a person in a case (当事人).
type Party struct {
	ID       int64     `json:"id"`
	Seq      int       `json:"seq"`
	Role     PartyRole `json:"role"`
	Name     string    `json:"name"`
	IDNumber string    `json:"id_number,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Address  string    `json:"address,omitempty"`
	// ActsFor is the Seq of the party an agent or a guardian acts for; 0 for the others.
	ActsFor int `json:"acts_for,omitempty"`

	SevereMentalIllness bool `json:"severe_mental_illness,omitempty"` // 严重精神障碍患者
	Minor               bool `json:"minor,omitempty"`                 // 未成年人 (also read off the ID number)
}

// Masked returns the party with ID number and phone masked, for lists and exports.
func (p Party) Masked() Party {
	if p.IDNumber != "" {
		p.IDNumber = MaskIDNumber(p.IDNumber)
	}
	if p.Phone != "" {
		p.Phone = MaskPhone(p.Phone)
	}
	return p
}

// Assignment is a department's part in a case: the lead (主办) or a co-handler (协办).
type Assignment struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	DepartmentID int64      `json:"department_id"`
	IsLead       bool       `json:"is_lead"`
	Status       string     `json:"status"` // assigned, signed, reported, returned
	AssignedAt   time.Time  `json:"assigned_at"`
	ReturnBy     *time.Time `json:"return_by,omitempty"`
	SignedAt     *time.Time `json:"signed_at,omitempty"`
	ReportedAt   *time.Time `json:"reported_at,omitempty"`
	Report       string     `json:"report,omitempty"`
	// A co-handler's part has its own deadline (吹哨报到), set when it is whistled in,
	// on the basis given; the deadline sweep keeps its flag (due_soon, overdue).
	DueAt    *time.Time `json:"due_at,omitempty"`
	DueFlag  string     `json:"due_flag,omitempty"`
	DueBasis string     `json:"due_basis,omitempty"`
}

// Assignment statuses.
const (
	AssignmentAssigned = "assigned"
	AssignmentSigned   = "signed"
	AssignmentReported = "reported"
	AssignmentReturned = "returned"
)

// CaseEvent is one step of a case's timeline.
type CaseEvent struct {
	ID        int64           `json:"id"`
	CaseID    int64           `json:"case_id"`
	ActorID   int64           `json:"actor_id,omitempty"`
	ActorName string          `json:"actor_name,omitempty"`
	At        time.Time       `json:"at"`
	Action    string          `json:"action"`
	FromState string          `json:"from_state"`
	ToState   string          `json:"to_state"`
	Note      string          `json:"note,omitempty"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

// Attachment is a file kept with a case; its bytes are served only through an
// authorised handler.
type Attachment struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// KeptOriginal says the bytes are exactly those uploaded, as a clerk chose for
	// evidence; every other image was redrawn without its metadata.
	KeptOriginal bool `json:"kept_original"`
}

// Incident kinds: what happens around a case that the warning counts (DESIGN.md §4).
const (
	IncidentPoliceCall      = "police_call"      // 报警 (110 警情)
	IncidentVisit           = "visit"            // 来访/信访
	IncidentMediationFailed = "mediation_failed" // 调解未果
	IncidentSkippedLevel    = "skipped_level"    // 越级上访
	IncidentInjury          = "injury"           // 有人受伤
	IncidentReturnVisit     = "return_visit"     // 回访/走访: lets a warning step down
)

// IncidentKinds in the order the record form lists them.
var IncidentKinds = []string{IncidentPoliceCall, IncidentVisit, IncidentMediationFailed, IncidentSkippedLevel, IncidentInjury, IncidentReturnVisit}

// ValidIncident reports whether k is one of IncidentKinds.
func ValidIncident(k string) bool {
	for _, x := range IncidentKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Incident is one recorded fact around a case.
type Incident struct {
	ID      int64     `json:"id"`
	CaseID  int64     `json:"case_id"`
	Kind    string    `json:"kind"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,omitempty"`
	Note    string    `json:"note,omitempty"`
}
