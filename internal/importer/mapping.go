package importer

import (
	"slices"
	"strings"
)

// Field is what a column of a ledger holds, as a case knows it.
type Field string

const (
	FieldNone         Field = ""              // the column is not imported
	FieldRowID        Field = "row_id"        // 序号, 编号: the source's own id of the row
	FieldRegistered   Field = "registered_at" // 登记日期, 受理时间
	FieldPartyName    Field = "party_name"    // 当事人, 姓名, 申请人
	FieldPartyRole    Field = "party_role"    // 当事人类别 (申请人/被申请人)
	FieldIDNumber     Field = "id_number"     // 身份证号
	FieldPhone        Field = "phone"         // 联系电话
	FieldPartyAddress Field = "party_address" // 住址
	FieldTownship     Field = "township"      // 乡镇
	FieldVillage      Field = "village"       // 村（社区）
	FieldAddress      Field = "address"       // 发生地点
	FieldCategory     Field = "category"      // 纠纷类型
	FieldDescription  Field = "description"   // 简要情况
	FieldAmount       Field = "amount"        // 涉及金额
	FieldPeople       Field = "people_count"  // 涉及人数
	FieldState        Field = "state"         // 办理状态
	FieldOutcome      Field = "outcome"       // 调处结果
	FieldResolved     Field = "resolved_at"   // 办结日期
)

// Fields in the order the mapping page lists them.
var Fields = []Field{FieldRowID, FieldRegistered, FieldPartyName, FieldPartyRole, FieldIDNumber, FieldPhone,
	FieldPartyAddress, FieldTownship, FieldVillage, FieldAddress, FieldCategory, FieldDescription, FieldAmount,
	FieldPeople, FieldState, FieldOutcome, FieldResolved}

// Valid reports whether f is one of Fields or FieldNone.
func (f Field) Valid() bool { return f == FieldNone || slices.Contains(Fields, f) }

// Mapped reports whether values of f go through a value mapping (words the office
// uses for a category, a place, a state, an outcome or a party's role).
func (f Field) Mapped() bool {
	switch f {
	case FieldTownship, FieldVillage, FieldCategory, FieldState, FieldOutcome, FieldPartyRole:
		return true
	}
	return false
}

// Mapping is how one source's ledgers read: which column is which field, and which
// code each of the office's words stands for. It is saved per source and edited on
// the import pages; the import uses nothing it does not say.
type Mapping struct {
	// Columns maps a header, as Clean writes it, to its field.
	Columns map[string]Field `json:"columns"`
	// Values maps, per field, a word as Clean writes it to a code: a category's code,
	// a region's code (township, village), a state, an outcome, a party role.
	Values map[Field]map[string]string `json:"values"`
	// State is the state of a case whose row names none (a ledger of closed matters:
	// "archived"); "" makes a missing state an error.
	State string `json:"state"`
}

// Column is the field the header h maps to.
func (m Mapping) Column(h string) Field { return m.Columns[Clean(h)] }

// Value is the code the word v of field f is mapped to, "" when it is not.
func (m Mapping) Value(f Field, v string) string { return m.Values[f][Clean(v)] }

// SetValue maps the word v of field f to code (an empty code removes it).
func (m *Mapping) SetValue(f Field, v, code string) {
	if m.Values == nil {
		m.Values = map[Field]map[string]string{}
	}
	if code == "" {
		delete(m.Values[f], Clean(v))
		return
	}
	if m.Values[f] == nil {
		m.Values[f] = map[string]string{}
	}
	m.Values[f][Clean(v)] = code
}

// SetColumn maps the header h to f (FieldNone: the column is not imported).
func (m *Mapping) SetColumn(h string, f Field) {
	if m.Columns == nil {
		m.Columns = map[string]Field{}
	}
	m.Columns[Clean(h)] = f
}

// commonHeaders are the headers the offices' 台账 use, as a new source's mapping
// starts: the admin sees each on the mapping page and may change it. A header with a
// unit in brackets ("涉及金额（万元）") is matched without it.
var commonHeaders = map[string]Field{
	"序号": FieldRowID, "编号": FieldRowID, "案件编号": FieldRowID, "登记编号": FieldRowID, "台账编号": FieldRowID,
	"登记日期": FieldRegistered, "登记时间": FieldRegistered, "受理日期": FieldRegistered, "受理时间": FieldRegistered,
	"排查日期": FieldRegistered, "排查时间": FieldRegistered, "日期": FieldRegistered, "来访日期": FieldRegistered,
	"当事人": FieldPartyName, "当事人姓名": FieldPartyName, "姓名": FieldPartyName, "申请人": FieldPartyName, "反映人": FieldPartyName,
	"当事人类别": FieldPartyRole, "当事人类型": FieldPartyRole, "身份": FieldPartyRole,
	"身份证号": FieldIDNumber, "身份证号码": FieldIDNumber, "公民身份号码": FieldIDNumber, "证件号码": FieldIDNumber,
	"联系电话": FieldPhone, "电话": FieldPhone, "手机号": FieldPhone, "联系方式": FieldPhone,
	"住址": FieldPartyAddress, "家庭住址": FieldPartyAddress, "现住址": FieldPartyAddress,
	"乡镇": FieldTownship, "所属乡镇": FieldTownship, "乡镇(街道)": FieldTownship,
	"村": FieldVillage, "村(社区)": FieldVillage, "所属村": FieldVillage, "村社": FieldVillage,
	"发生地点": FieldAddress, "地点": FieldAddress, "纠纷发生地": FieldAddress,
	"纠纷类型": FieldCategory, "纠纷类别": FieldCategory, "类别": FieldCategory, "类型": FieldCategory, "矛盾纠纷类型": FieldCategory, "事项类别": FieldCategory,
	"简要情况": FieldDescription, "纠纷简要情况": FieldDescription, "基本情况": FieldDescription, "主要诉求": FieldDescription,
	"简要案情": FieldDescription, "反映内容": FieldDescription, "事项内容": FieldDescription,
	"涉及金额": FieldAmount, "金额": FieldAmount, "涉案金额": FieldAmount, "标的额": FieldAmount,
	"涉及人数": FieldPeople, "人数": FieldPeople,
	"办理状态": FieldState, "状态": FieldState, "化解状态": FieldState, "办理情况": FieldState,
	"调处结果": FieldOutcome, "办理结果": FieldOutcome, "化解结果": FieldOutcome, "调解结果": FieldOutcome, "处理结果": FieldOutcome,
	"办结日期": FieldResolved, "办结时间": FieldResolved, "化解时间": FieldResolved, "化解日期": FieldResolved, "调结日期": FieldResolved,
}

// commonValues are the words for states, outcomes and roles that offices write, as a
// new source's mapping starts (visible and editable on the mapping page, like the rest).
var commonValues = map[Field]map[string]string{
	FieldState: {
		"已办结": "archived", "办结": "archived", "已化解": "archived", "化解": "archived", "已结案": "archived", "已归档": "archived",
		"已调结": "archived", "调处成功": "archived", "办理中": "in_progress", "正在办理": "in_progress", "调解中": "in_progress",
		"化解中": "in_progress", "未化解": "in_progress", "已受理": "accepted", "待受理": "registered", "已登记": "registered",
		"不予受理": "rejected",
	},
	FieldOutcome: {
		"调解成功": "mediated_agreement", "达成协议": "mediated_agreement", "书面协议": "mediated_agreement",
		"口头协议": "mediated_oral", "调解不成": "to_litigation", "引导诉讼": "to_litigation", "导入诉讼": "to_litigation",
		"导入仲裁": "to_arbitration", "仲裁": "to_arbitration", "行政复议": "to_review", "予以支持": "supported",
		"解释说明": "explained", "不予支持": "not_supported", "已整改": "rectified", "已办理": "done", "撤回": "withdrawn", "撤诉": "withdrawn",
	},
	FieldPartyRole: {
		"申请人": "applicant", "反映人": "applicant", "被申请人": "respondent", "被反映人": "respondent",
		"第三人": "third_party", "代表人": "representative",
	},
}

// NewMapping is the mapping a new source starts with: the headers of headers that
// offices commonly use, and the common words for states, outcomes and roles; and a
// row that names no state is a closed matter.
func NewMapping(headers []string) Mapping {
	m := Mapping{Columns: map[string]Field{}, Values: map[Field]map[string]string{}, State: "archived"}
	for _, h := range headers {
		if f, ok := commonHeaders[headerKey(h)]; ok {
			m.Columns[Clean(h)] = f
		} else if Clean(h) != "" {
			m.Columns[Clean(h)] = FieldNone
		}
	}
	for f, vals := range commonValues {
		m.Values[f] = map[string]string{}
		for k, v := range vals {
			m.Values[f][k] = v
		}
	}
	return m
}

// headerKey is a header without white space and without a unit in brackets:
// "涉及金额（万元）" reads "涉及金额".
func headerKey(h string) string {
	h = Clean(h)
	if i := strings.IndexAny(h, "(["); i > 0 && (strings.HasSuffix(h, ")") || strings.HasSuffix(h, "]")) {
		return h[:i]
	}
	return h
}

// knownHeader reports whether h looks like a ledger's header cell: one of the common
// headers, or one the mapping names.
func (m Mapping) knownHeader(h string) bool {
	if _, ok := m.Columns[Clean(h)]; ok && Clean(h) != "" {
		return true
	}
	_, ok := commonHeaders[headerKey(h)]
	return ok
}

// unitWan reports whether the header says its amounts are in 万元.
func unitWan(h string) bool { return strings.Contains(Clean(h), "万元") }
