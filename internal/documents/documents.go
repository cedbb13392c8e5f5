// Package documents makes the centre's documents (文书): the receipt and the notice of
// acceptance a citizen takes home, the assignment and supervision orders a department
// receives, the record of a return visit, and the case file (案件卷宗) for the archive.
//
// It is pure: a kind's wording is a Template (data an administrator adjusts, with
// placeholders such as {{当事人}}), the case's facts come in as Facts, and Compose
// turns both into a Document — the words as they will be printed, with its number
// (文号). A Document renders as an A4 page in the official layout of GB/T 9704-2012
// (RenderHTML) and as a WordprocessingML file (RenderDOCX). Storing templates,
// numbering and the issued documents is internal/store's; gathering the facts of a
// case for its reader is internal/cases'.
package documents

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// Kind is a kind of document.
type Kind string

// The kinds of document.
const (
	KindReceipt     Kind = "receipt"     // 登记回执: what was received, and when the decision to accept is due
	KindAcceptance  Kind = "acceptance"  // 受理告知书: the matter is accepted, who handles it, by when
	KindAssignment  Kind = "assignment"  // 交办单: the case handed to its lead department
	KindSupervision Kind = "supervision" // 督办单: a supervision order
	KindFollowUp    Kind = "follow_up"   // 回访记录: a return visit
	KindDossier     Kind = "dossier"     // 案件卷宗: the case file for the archive

	// The mediation's (人民调解法 第二十七至三十三条), from internal/mediation's records.
	KindMediationRecord Kind = "mediation_record" // 调解笔录: one session, for the signatures of those present
	KindAgreement       Kind = "agreement"        // 调解协议书: numbered by its organisation (康调字〔2026〕第12号)
	KindConfirmation    Kind = "confirmation"     // 司法确认申请书: the parties' joint application to a court
)

// Kinds are every kind, in the order the case page offers them.
var Kinds = []Kind{KindReceipt, KindAcceptance, KindAssignment, KindSupervision, KindFollowUp, KindMediationRecord, KindAgreement,
	KindConfirmation, KindDossier}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Numbered reports whether the centre numbers a document of the kind (文号). The case
// file is filed under the case's number; a session's record and the parties'
// application are not the centre's documents; an agreement carries the number its
// organisation gave it when it was drafted.
func (k Kind) Numbered() bool {
	return !slices.Contains([]Kind{KindDossier, KindMediationRecord, KindAgreement, KindConfirmation}, k)
}

// Editable reports whether the kind is offered as a .docx to edit before it is
// signed. The case file is a record of what happened and is printed as it is.
func (k Kind) Editable() bool { return k != KindDossier }

// ForCitizen reports whether the kind goes to the citizen themself, who may read
// their own name, tracking code and QR code on it. Every other kind goes to staff or
// departments and carries what the case page shows its reader.
func (k Kind) ForCitizen() bool { return k == KindReceipt || k == KindAcceptance }

// Template is the wording of one kind: its title, the 机关代字 its numbers begin with,
// the body (one paragraph a line) and a closing line, each of which may use the
// kind's placeholders.
type Template struct {
	Kind    Kind      `json:"kind"`
	Version int       `json:"version"` // 0 for the embedded default
	Title   string    `json:"title"`
	Prefix  string    `json:"prefix"` // 机关代字, e.g. {{简称}}综治交
	Body    string    `json:"body"`
	Closing string    `json:"closing"`
	Note    string    `json:"note,omitempty"` // why this version was saved
	By      int64     `json:"created_by,omitempty"`
	ByName  string    `json:"created_by_name,omitempty"`
	At      time.Time `json:"created_at"`
}

// Limits of a template's parts, in characters.
const (
	MaxTitle   = 40
	MaxPrefix  = 20
	MaxBody    = 4000
	MaxClosing = 400
	MaxNote    = 200
)

// placeholderRE finds a placeholder: {{name}}, spaces inside allowed.
var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Placeholder is a name a template may use, and what it stands for.
type Placeholder struct {
	Name string `json:"name"`
	Help string `json:"help"`
}

// common placeholders hold for every kind.
var common = []Placeholder{
	{"案件编号", "案件在本系统中的编号"},
	{"事项", "案件标题"},
	{"类型", "矛盾纠纷、信访事项、安全隐患或求助服务"},
	{"类别", "案件类别"},
	{"登记日期", "案件登记的日期"},
	{"中心", "出具文书的综治中心"},
	{"简称", "出具单位的简称（用于机关代字）"},
	{"出具日期", "文书出具的日期"},
}

// byKind are the placeholders of each kind beyond the common ones.
var byKind = map[Kind][]Placeholder{
	KindReceipt: {
		{"当事人", "收件的当事人（群众本人）"},
		{"查询码", "群众查询办理进度的查询码"},
		{"告知期限", "告知是否受理的最后日期（登记后十五日）"},
		{"告知天数", "告知是否受理的天数"},
		{"告知依据", "信访事项为“依照《信访工作条例》第二十二条、第二十三条的规定，”，其他事项为空"},
	},
	KindAcceptance: {
		{"当事人", "收件的当事人（群众本人）"},
		{"查询码", "群众查询办理进度的查询码"},
		{"受理日期", "受理的日期"},
		{"办理期限", "办结的期限"},
		{"承办单位", "主办单位；尚未交办时为本中心"},
	},
	KindAssignment: {
		{"承办单位", "主办单位"},
		{"协办单位", "协办单位，多个以顿号分隔"},
		{"交办日期", "交办的日期"},
		{"办理期限", "办结的期限"},
		{"交办意见", "交办时的意见"},
	},
	KindSupervision: {
		{"督办对象", "督办的单位"},
		{"督办级别", "普通、黄牌或红牌"},
		{"督办要求", "督办的要求"},
		{"督办日期", "督办的日期"},
		{"回复期限", "回复的期限"},
	},
	KindFollowUp: {
		{"回访日期", "回访的日期"},
		{"回访人", "回访的工作人员"},
		{"满意度", "满意、基本满意或不满意"},
		{"回访情况", "回访时记录的情况"},
		{"办理结果", "案件的办理结果"},
	},
	KindDossier: {
		{"归档日期", "归档的日期；尚未归档时为空"},
		{"办理结果", "案件的办理结果"},
	},
	KindMediationRecord: {
		{"调解日期", "调解的日期和时间"},
		{"调解地点", "调解的地点"},
		{"调解组织", "主持调解的组织"},
		{"调解员", "主持调解的调解员"},
		{"参加人员", "参加调解的人员"},
		{"调解结果", "达成协议、部分达成、调解不成或择期再调"},
		{"达成内容", "达成一致的内容"},
		{"未达成原因", "未达成协议的原因"},
	},
	KindAgreement: {
		{"协议编号", "调解协议书的编号"},
		{"调解组织", "主持调解的组织"},
		{"调解员", "主持调解的调解员"},
		{"纠纷事实", "纠纷的主要事实"},
		{"争议事项", "争议事项"},
		{"各方责任", "各方当事人的责任"},
		{"协议内容", "达成协议的内容"},
		{"履行方式", "履行的方式"},
		{"履行期限", "履行的期限"},
	},
	KindConfirmation: {
		{"法院", "受理申请的人民法院"},
		{"申请人", "共同申请的各方当事人"},
		{"协议编号", "调解协议书的编号"},
		{"调解组织", "主持调解的组织"},
		{"生效日期", "调解协议生效的日期"},
		{"协议内容", "达成协议的内容"},
	},
}

// Placeholders returns the names a template of kind k may use.
func Placeholders(k Kind) []Placeholder {
	return append(slices.Clone(common), byKind[k]...)
}

// Validate checks a template an administrator wrote: every part within its limits,
// the title and body not empty, and every placeholder one the kind knows — an unknown
// one is refused naming it and the part it is in.
func Validate(t Template) error {
	if !t.Kind.Valid() {
		return model.Invalid("kind", "invalid", "invalid.document_kind.invalid")
	}
	parts := []struct {
		field, text string
		max         int
		required    bool
	}{
		{"title", t.Title, MaxTitle, true},
		{"prefix", t.Prefix, MaxPrefix, t.Kind.Numbered()},
		{"body", t.Body, MaxBody, true},
		{"closing", t.Closing, MaxClosing, false},
		{"note", t.Note, MaxNote, false},
	}
	known := map[string]bool{}
	for _, p := range Placeholders(t.Kind) {
		known[p.Name] = true
	}
	for _, p := range parts {
		text := strings.TrimSpace(p.text)
		if p.required && text == "" {
			return requiredErr(p.field)
		}
		if utf8.RuneCountInString(text) > p.max {
			return model.Invalid(p.field, "too_long", "invalid.document_template.too_long", p.max)
		}
		if strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
			return model.Invalid(p.field, "control", "invalid.document_template.control")
		}
		if p.field == "note" {
			continue
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
			if !known[m[1]] {
				return model.Invalid(p.field, "unknown_placeholder", "invalid.document_template.unknown_placeholder", m[0])
			}
		}
		// What is left of braces after the placeholders is a placeholder mistyped.
		rest := placeholderRE.ReplaceAllString(text, "")
		if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
			return model.Invalid(p.field, "unclosed_placeholder", "invalid.document_template.unclosed_placeholder")
		}
	}
	if t.Kind.Numbered() && strings.ContainsAny(placeholderRE.ReplaceAllString(t.Prefix, "简"), "〔〕[]第号 ") {
		return model.Invalid("prefix", "shape", "invalid.document_prefix.shape")
	}
	return nil
}

// requiredErr is the refusal of an empty required part.
func requiredErr(field string) error {
	switch field {
	case "title":
		return model.Invalid(field, "required", "invalid.document_title.required")
	case "prefix":
		return model.Invalid(field, "required", "invalid.document_prefix.required")
	}
	return model.Invalid(field, "required", "invalid.document_body.required")
}

// Fill replaces the placeholders of text by their values; a placeholder without a
// value becomes empty (Validate refused unknown ones before the template was saved).
func Fill(text string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		return values[placeholderRE.FindStringSubmatch(m)[1]]
	})
}

// Number is a document's number as GB/T 9704 writes it: 机关代字〔年份〕第序号号,
// e.g. 康综治交〔2026〕第12号.
func Number(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕第%d号", prefix, year, seq)
}

// Year is the year a document issued at t is numbered in: the year in China.
func Year(t time.Time) int { return t.In(chinaTime).Year() }

// chinaTime is the zone a document's dates are written in (as internal/workflow's).
var chinaTime = time.FixedZone("CST", 8*3600)

// DateText writes a date as official documents do: 2026年12月7日.
func DateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(chinaTime).Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

// DateTimeText writes a moment: 2026年12月7日 09:30.
func DateTimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return DateText(t) + " " + t.In(chinaTime).Format("15:04")
}

// Abbreviation is the short name of an issuing unit its 机关代字 begins with when the
// template says {{简称}}: the first character of its name (康乐县 → 康), as county
// units commonly abbreviate. A unit whose code differs writes it into the template.
func Abbreviation(name string) string {
	r, _ := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return ""
	}
	return string(r)
}
