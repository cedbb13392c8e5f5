package workflow

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

var actionLabels = map[Action][2]string{
	ActionRegister:       {"登记", "register"},
	ActionAccept:         {"受理", "accept"},
	ActionReject:         {"不予受理", "reject"},
	ActionMerge:          {"合并", "merge"},
	ActionHandle:         {"中心自办", "handle at the centre"},
	ActionAssign:         {"交办", "assign"},
	ActionSign:           {"签收", "sign for"},
	ActionReturn:         {"回退", "return"},
	ActionCoAssign:       {"吹哨(增加协办)", "add co-handlers"},
	ActionCoSign:         {"协办签收", "sign for co-handling"},
	ActionCoReport:       {"协办反馈", "report co-handling"},
	ActionEscalate:       {"上报", "escalate"},
	ActionDelegate:       {"下派", "delegate"},
	ActionExtendRequest:  {"申请延期", "request an extension"},
	ActionExtendApprove:  {"批准延期", "approve the extension"},
	ActionExtendRefuse:   {"不批准延期", "refuse the extension"},
	ActionSuspend:        {"挂起", "suspend"},
	ActionResume:         {"恢复办理", "resume"},
	ActionResolve:        {"办结", "resolve"},
	ActionVerify:         {"核实", "verify"},
	ActionVerifyFail:     {"核实不通过", "fail verification"},
	ActionVisit:          {"回访", "return visit"},
	ActionArchive:        {"归档", "archive"},
	ActionComment:        {"备注", "comment"},
	ActionAttach:         {"上传附件", "attach a file"},
	ActionSupervise:      {"督办", "supervise"},
	ActionRecord:         {"记录情况", "record an incident"},
	ActionWarningAdjust:  {"调整预警等级", "adjust the warning"},
	ActionWarningRespond: {"预警处置", "respond to the warning"},
}

// Valid reports whether a is one of AllActions.
func (a Action) Valid() bool {
	_, ok := actionLabels[a]
	return ok
}

// Label is the Chinese name of the action, or its code when unknown.
func (a Action) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l[0]
	}
	return string(a)
}

// LabelEN is the English name of the action, or its code when unknown.
func (a Action) LabelEN() string {
	if l, ok := actionLabels[a]; ok {
		return l[1]
	}
	return string(a)
}

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

var outcomeLabels = map[Outcome][2]string{
	OutcomeMediatedAgreement: {"调解成功(协议)", "Mediated (written agreement)"},
	OutcomeMediatedOral:      {"调解成功(口头)", "Mediated (oral agreement)"},
	OutcomeToLitigation:      {"调解不成,导入诉讼", "Not mediated, referred to court"},
	OutcomeToArbitration:     {"导入仲裁", "Referred to arbitration"},
	OutcomeToReview:          {"导入行政复议", "Referred to administrative review"},
	OutcomeSupported:         {"予以支持", "Supported"},
	OutcomeExplained:         {"解释说明", "Explained"},
	OutcomeNotSupported:      {"不予支持", "Not supported"},
	OutcomeRectified:         {"已整改", "Rectified"},
	OutcomeDone:              {"已办理", "Done"},
	OutcomeWithdrawn:         {"撤回", "Withdrawn"},
}

// Valid reports whether o is one of AllOutcomes.
func (o Outcome) Valid() bool {
	_, ok := outcomeLabels[o]
	return ok
}

// Label is the Chinese name of the outcome, or its code when unknown.
func (o Outcome) Label() string {
	if l, ok := outcomeLabels[o]; ok {
		return l[0]
	}
	return string(o)
}

// LabelEN is the English name of the outcome, or its code when unknown.
func (o Outcome) LabelEN() string {
	if l, ok := outcomeLabels[o]; ok {
		return l[1]
	}
	return string(o)
}

// Satisfaction is what a party said on the return visit.
type Satisfaction string

const (
	Satisfied          Satisfaction = "satisfied"           // 满意
	BasicallySatisfied Satisfaction = "basically_satisfied" // 基本满意
	Unsatisfied        Satisfaction = "unsatisfied"         // 不满意: the case reopens
)

// AllSatisfactions in the order the visit form lists them.
var AllSatisfactions = []Satisfaction{Satisfied, BasicallySatisfied, Unsatisfied}

var satisfactionLabels = map[Satisfaction][2]string{
	Satisfied:          {"满意", "Satisfied"},
	BasicallySatisfied: {"基本满意", "Basically satisfied"},
	Unsatisfied:        {"不满意", "Unsatisfied"},
}

// Valid reports whether s is one of AllSatisfactions.
func (s Satisfaction) Valid() bool {
	_, ok := satisfactionLabels[s]
	return ok
}

// Label is the Chinese name of the satisfaction level, or its code when unknown.
func (s Satisfaction) Label() string {
	if l, ok := satisfactionLabels[s]; ok {
		return l[0]
	}
	return string(s)
}

// LabelEN is the English name of the satisfaction level, or its code when unknown.
func (s Satisfaction) LabelEN() string {
	if l, ok := satisfactionLabels[s]; ok {
		return l[1]
	}
	return string(s)
}
