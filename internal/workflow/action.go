package workflow

import (
	"slices"

	"github.com/onedoor/onedoor/internal/i18n"
)

// Action is something a user does to a case. Every action taken becomes an event in the
// case's timeline, whether or not it changes the state.
type Action string

const (
	ActionRegister Action = "register" // 登记: the case comes into being
	ActionAccept   Action = "accept"   // 受理
	ActionReject   Action = "reject"   // 不予受理, with the reason the party is told
	ActionMerge    Action = "merge"    // 合并: a repeat complaint joins an existing case
	ActionHandle   Action = "handle"   // 中心自办: the centre itself mediates or answers
	ActionAssign   Action = "assign"   // 交办: to a lead department, optionally with co-handlers
	ActionSign     Action = "sign"     // 签收 by the lead department
	ActionReturn   Action = "return"   // 回退 by the lead department, with reason

	ActionCoAssign Action = "co_assign" // 吹哨: add co-handling departments
	ActionCoSign   Action = "co_sign"   // a co-handling department signs for its part
	ActionCoReport Action = "co_report" // a co-handling department reports its part done

	ActionEscalate Action = "escalate" // 上报 to the parent region's centre
	ActionDelegate Action = "delegate" // 下派 to a child region's centre

	ActionExtendRequest Action = "extend_request" // 申请延期
	ActionExtendApprove Action = "extend_approve" // 批准延期
	ActionExtendRefuse  Action = "extend_refuse"  // 不批准延期

	ActionSuspend Action = "suspend" // 挂起, e.g. while a court decides
	ActionResume  Action = "resume"  // 恢复 to the state the case was suspended in

	ActionResolve    Action = "resolve"     // 办结, with an outcome
	ActionVerify     Action = "verify"      // 核实: the centre checks the result
	ActionVerifyFail Action = "verify_fail" // 核实不通过: back to the handler
	ActionVisit      Action = "visit"       // 回访, with the party's satisfaction
	ActionArchive    Action = "archive"     // 归档

	ActionComment   Action = "comment"   // 备注
	ActionAttach    Action = "attach"    // 上传附件
	ActionSupervise Action = "supervise" // 督办 by a leader

	ActionRecord         Action = "record"          // 记录情况: a police call, visit, failed mediation, return visit... (risk history)
	ActionWarningAdjust  Action = "warning_adjust"  // 调整预警: a leader raises or lowers the warning, with a reason
	ActionWarningRespond Action = "warning_respond" // 预警处置: the response a warning demands (red: the 包案 leader)
)

// AllActions lists every action in the order the case page offers them.
var AllActions = []Action{
	ActionRegister, ActionAccept, ActionReject, ActionMerge, ActionHandle, ActionAssign,
	ActionSign, ActionReturn, ActionCoAssign, ActionCoSign, ActionCoReport,
	ActionEscalate, ActionDelegate, ActionExtendRequest, ActionExtendApprove, ActionExtendRefuse,
	ActionSuspend, ActionResume, ActionResolve, ActionVerify, ActionVerifyFail, ActionVisit,
	ActionArchive, ActionComment, ActionAttach, ActionSupervise,
	ActionRecord, ActionWarningRespond, ActionWarningAdjust,
}

// Valid reports whether a is one of AllActions.
func (a Action) Valid() bool { return slices.Contains(AllActions, a) }

// Label is the Chinese name of the action, or its code when unknown.
func (a Action) Label() string { return label(i18n.Default, "workflow.action.", string(a)) }

// LabelEN is the English name of the action, or its code when unknown.
func (a Action) LabelEN() string { return label("en", "workflow.action.", string(a)) }

// Outcome is how a resolved case ended (DESIGN.md §3).
type Outcome string

const (
	OutcomeMediatedAgreement Outcome = "mediated_agreement" // 调解成功(协议)
	OutcomeMediatedOral      Outcome = "mediated_oral"      // 调解成功(口头)
	OutcomeToLitigation      Outcome = "to_litigation"      // 调解不成-导入诉讼
	OutcomeToArbitration     Outcome = "to_arbitration"     // 导入仲裁
	OutcomeToReview          Outcome = "to_review"          // 导入复议
	OutcomeSupported         Outcome = "supported"          // 予以支持
	OutcomeExplained         Outcome = "explained"          // 解释说明
	OutcomeNotSupported      Outcome = "not_supported"      // 不予支持
	OutcomeRectified         Outcome = "rectified"          // 已整改 (hazards)
	OutcomeDone              Outcome = "done"               // 已办理 (service requests)
	OutcomeWithdrawn         Outcome = "withdrawn"          // 撤回
)

// AllOutcomes in the order the resolve form lists them.
var AllOutcomes = []Outcome{
	OutcomeMediatedAgreement, OutcomeMediatedOral, OutcomeToLitigation, OutcomeToArbitration,
	OutcomeToReview, OutcomeSupported, OutcomeExplained, OutcomeNotSupported, OutcomeRectified,
	OutcomeDone, OutcomeWithdrawn,
}

// Valid reports whether o is one of AllOutcomes.
func (o Outcome) Valid() bool { return slices.Contains(AllOutcomes, o) }

// Label is the Chinese name of the outcome, or its code when unknown.
func (o Outcome) Label() string { return label(i18n.Default, "outcome.", string(o)) }

// LabelEN is the English name of the outcome, or its code when unknown.
func (o Outcome) LabelEN() string { return label("en", "outcome.", string(o)) }

// Satisfaction is what a party said on the return visit.
type Satisfaction string

const (
	Satisfied          Satisfaction = "satisfied"           // 满意
	BasicallySatisfied Satisfaction = "basically_satisfied" // 基本满意
	Unsatisfied        Satisfaction = "unsatisfied"         // 不满意: the case reopens
)

// AllSatisfactions in the order the visit form lists them.
var AllSatisfactions = []Satisfaction{Satisfied, BasicallySatisfied, Unsatisfied}

// Valid reports whether s is one of AllSatisfactions.
func (s Satisfaction) Valid() bool { return slices.Contains(AllSatisfactions, s) }

// Label is the Chinese name of the satisfaction level, or its code when unknown.
func (s Satisfaction) Label() string { return label(i18n.Default, "satisfaction.", string(s)) }

// LabelEN is the English name of the satisfaction level, or its code when unknown.
func (s Satisfaction) LabelEN() string { return label("en", "satisfaction.", string(s)) }

// label is a code's name in loc from the catalogue (prefix+code), or the code itself
// when the catalogue has none: the names of the workflow's words live with every
// other word the UI shows.
func label(loc, prefix, code string) string {
	if s, ok := i18n.Lookup(loc, prefix+code); ok {
		return s
	}
	return code
}
