package documents

import (
	"strconv"
	"strings"
	"time"
)

// Facts are what a document says of its case, gathered for the document's reader:
// a document that goes to a department carries the parties as the case page shows
// that department (ID numbers and phones masked); one that goes to the citizen
// carries their own name, tracking code and QR code.
type Facts struct {
	CaseID       int64
	Title        string
	KindName     string // 矛盾纠纷…
	Category     string
	Place        string
	Description  string
	RegisteredAt time.Time
	Centre       string // the issuing centre, 康乐县综治中心
	CentreName   string // its region's name, 康乐县: the source of {{简称}}
	Parties      []Party
	Outcome      string // words; "" while unresolved
	StateName    string

	// The citizen's documents.
	Recipient    string // whom the receipt is for: the first applicant
	TrackingCode string
	TrackURL     string // the QR code's content
	Petition     bool   // a 信访事项: the receipt cites 信访工作条例
	AcceptDays   int
	AcceptBy     time.Time
	AcceptedAt   time.Time
	DueAt        time.Time

	// The assignment order.
	Lead       string
	Co         []string
	AssignedAt time.Time
	AssignNote string

	Supervision *SupervisionFacts
	Visit       *VisitFacts
	Session     *SessionFacts
	Agreement   *AgreementFacts

	// The case file.
	ArchivedAt  time.Time
	Events      []EventFact
	Documents   []IssuedFact
	Attachments []AttachmentFact
}

// Party is one party as the reader may see them.
type Party struct {
	Role     string
	Name     string
	IDNumber string
	Phone    string
	Address  string
}

// SupervisionFacts is the order a 督办单 prints.
type SupervisionFacts struct {
	Addressee   string
	Level       string
	Requirement string
	IssuedAt    time.Time
	ReplyBy     time.Time
	Issuer      string
	Status      string
	Reply       string
}

// VisitFacts is the return visit a 回访记录 prints.
type VisitFacts struct {
	At           time.Time
	By           string
	Satisfaction string
	Note         string
}

// SessionFacts is the mediation session a 调解笔录 records.
type SessionFacts struct {
	HeldAt     time.Time
	Place      string
	Org        string
	Mediators  string
	Attendees  string
	Statements []Field // each side and what it said
	Result     string
	Agreed     string
	WhyNot     string
}

// AgreementFacts is the agreement a 调解协议书 or a 司法确认申请书 prints, its parties'
// particulars as the reader may see them.
type AgreementFacts struct {
	Number           string
	Org              string
	Mediator         string
	Parties          []Party // Role, Name, and the particulars in Address
	Facts            string
	Items            string
	Responsibilities string
	Content          string
	PerformWay       string
	PerformBy        string
	SignedOn         time.Time
	Court            string
}

// EventFact is one step of the case's timeline.
type EventFact struct {
	At    time.Time
	Actor string
	Step  string
	Note  string
}

// IssuedFact is a document already issued on the case, for the case file's list.
type IssuedFact struct {
	Title  string
	Number string
	At     time.Time
}

// AttachmentFact is a file kept with the case, for the case file's index.
type AttachmentFact struct {
	Name string
	Size string
	At   time.Time
}

// Document is a document as it prints: kept whole (as JSON) when it is issued, so a
// reprint is the same page whatever the case or the template became since.
type Document struct {
	Kind            Kind      `json:"kind"`
	TemplateVersion int       `json:"template_version"`
	Title           string    `json:"title"`
	Number          string    `json:"number,omitempty"`
	Issuer          string    `json:"issuer"`
	IssuedAt        time.Time `json:"issued_at"`
	Addressee       string    `json:"addressee,omitempty"` // 主送: the first line, flush left
	Paragraphs      []string  `json:"paragraphs"`
	Closing         string    `json:"closing,omitempty"`
	Fields          []Field   `json:"fields,omitempty"`   // the form's grid
	Sections        []Section `json:"sections,omitempty"` // tables after the text (the case file's)
	QRText          string    `json:"qr_text,omitempty"`  // the tracking page the QR code opens
	QRCaption       string    `json:"qr_caption,omitempty"`
	Signatures      []string  `json:"signatures,omitempty"` // lines left to sign
}

// Field is one row of a document's grid.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Section is a titled table (or list) of a document.
type Section struct {
	Heading string     `json:"heading"`
	Columns []string   `json:"columns,omitempty"`
	Rows    [][]string `json:"rows,omitempty"`
	Empty   string     `json:"empty,omitempty"` // what it says when it has no rows
}

// Values are the placeholders' values for f.
func (f Facts) Values(k Kind, issuedAt time.Time) map[string]string {
	v := map[string]string{
		"案件编号": strconv.FormatInt(f.CaseID, 10),
		"事项":   f.Title,
		"类型":   f.KindName,
		"类别":   f.Category,
		"登记日期": DateText(f.RegisteredAt),
		"中心":   f.Centre,
		"简称":   Abbreviation(f.CentreName),
		"出具日期": DateText(issuedAt),
		"办理结果": orNone(f.Outcome, "尚未办结"),
	}
	switch k {
	case KindReceipt:
		v["当事人"], v["查询码"] = f.Recipient, f.TrackingCode
		v["告知天数"], v["告知期限"] = strconv.Itoa(f.AcceptDays), DateText(f.AcceptBy)
		if f.Petition {
			v["告知依据"] = "依照《信访工作条例》第二十二条、第二十三条的规定，"
		}
	case KindAcceptance:
		v["当事人"], v["查询码"] = f.Recipient, f.TrackingCode
		v["受理日期"], v["办理期限"] = DateText(f.AcceptedAt), orNone(DateText(f.DueAt), "另行告知")
		v["承办单位"] = orNone(f.Lead, f.Centre)
	case KindAssignment:
		v["承办单位"], v["协办单位"] = f.Lead, strings.Join(f.Co, "、")
		v["交办日期"], v["办理期限"], v["交办意见"] = DateText(f.AssignedAt), orNone(DateText(f.DueAt), "另行通知"), f.AssignNote
		if f.AssignNote != "" {
			v["交办意见"] = "交办意见：" + f.AssignNote
		}
	case KindSupervision:
		if s := f.Supervision; s != nil {
			v["督办对象"], v["督办级别"], v["督办要求"] = s.Addressee, s.Level, orNone(s.Requirement, "请加快办理，按期办结")
			v["督办日期"], v["回复期限"] = DateText(s.IssuedAt), DateText(s.ReplyBy)
		}
	case KindFollowUp:
		if s := f.Visit; s != nil {
			v["回访日期"], v["回访人"], v["满意度"], v["回访情况"] = DateText(s.At), s.By, s.Satisfaction, orNone(s.Note, "无")
		}
	case KindDossier:
		v["归档日期"] = DateText(f.ArchivedAt)
	case KindMediationRecord:
		if m := f.Session; m != nil {
			v["调解日期"], v["调解地点"], v["调解组织"], v["调解员"] = DateTimeText(m.HeldAt), m.Place, orNone(m.Org, f.Centre), m.Mediators
			v["参加人员"], v["调解结果"] = orNone(m.Attendees, "见签名"), m.Result
			if m.Agreed != "" {
				v["达成内容"] = "达成内容：" + m.Agreed
			}
			if m.WhyNot != "" {
				v["未达成原因"] = "未达成的原因：" + m.WhyNot
			}
		}
	case KindAgreement, KindConfirmation:
		if a := f.Agreement; a != nil {
			v["协议编号"], v["调解组织"], v["调解员"] = a.Number, a.Org, a.Mediator
			v["纠纷事实"], v["争议事项"], v["各方责任"], v["协议内容"] = a.Facts, a.Items, orNone(a.Responsibilities, "无"), a.Content
			v["履行方式"], v["履行期限"], v["生效日期"] = a.PerformWay, a.PerformBy, DateText(a.SignedOn)
			v["法院"] = orNone(a.Court, "＿＿＿＿＿＿人民法院")
			var names []string
			for _, p := range a.Parties {
				names = append(names, p.Name)
			}
			v["申请人"] = strings.Join(names, "、")
		}
	}
	return v
}

func orNone(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

// Compose makes the document of kind t.Kind from the wording t and the facts f,
// numbered number (empty for a kind without numbers), issued at issuedAt.
func Compose(t Template, f Facts, number string, issuedAt time.Time) Document {
	values := f.Values(t.Kind, issuedAt)
	d := Document{Kind: t.Kind, TemplateVersion: t.Version, Title: Fill(t.Title, values), Number: number, Issuer: f.Centre,
		IssuedAt: issuedAt, Closing: strings.TrimSpace(Fill(t.Closing, values))}
	for i, line := range strings.Split(strings.ReplaceAll(t.Body, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(Fill(line, values))
		if line == "" {
			continue
		}
		// A first line ending in a colon is whom the document is for (主送), written
		// flush left as GB/T 9704 sets it.
		if i == 0 && (strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":")) {
			d.Addressee = line
			continue
		}
		d.Paragraphs = append(d.Paragraphs, line)
	}
	switch t.Kind {
	case KindReceipt, KindAcceptance:
		d.QRText, d.QRCaption = f.TrackURL, "扫码查询办理进度"
		d.Signatures = []string{"经办人：", "当事人签收："}
	case KindAssignment:
		d.Fields = []Field{
			{"案件编号", values["案件编号"]}, {"事项", f.Title}, {"类型", joinNonEmpty("，", f.KindName, f.Category)},
			{"发生地点", f.Place}, {"当事人", partiesText(f.Parties)}, {"主要情况", f.Description},
			{"主办单位", f.Lead}, {"协办单位", orNone(values["协办单位"], "无")},
			{"交办日期", values["交办日期"]}, {"办理期限", values["办理期限"]},
		}
		d.Signatures = []string{"交办人：", "签收单位（盖章）：", "签收人：", "签收日期："}
	case KindSupervision:
		d.Fields = []Field{{"案件编号", values["案件编号"]}, {"事项", f.Title}, {"督办对象", values["督办对象"]}, {"督办级别", values["督办级别"]},
			{"督办日期", values["督办日期"]}, {"回复期限", values["回复期限"]}}
		if s := f.Supervision; s != nil && s.Reply != "" {
			d.Fields = append(d.Fields, Field{"回复情况", s.Reply})
		}
		d.Signatures = []string{"督办人：", "签收单位（盖章）：", "签收人："}
	case KindFollowUp:
		d.Fields = []Field{{"案件编号", values["案件编号"]}, {"事项", f.Title}, {"当事人", partiesText(f.Parties)},
			{"回访日期", values["回访日期"]}, {"回访人", values["回访人"]}, {"满意度", values["满意度"]}}
		d.Signatures = []string{"回访人签名：", "被回访人签名："}
	case KindMediationRecord:
		if m := f.Session; m != nil {
			said := Section{Heading: "各方陈述", Columns: []string{"陈述人", "陈述内容"}, Empty: "无"}
			for _, st := range m.Statements {
				said.Rows = append(said.Rows, []string{st.Label, st.Value})
			}
			d.Sections = []Section{said}
		}
		d.Signatures = []string{"当事人签名：", "调解员签名：", "记录人签名："}
	case KindAgreement, KindConfirmation:
		if a := f.Agreement; a != nil {
			d.Number, d.Issuer = a.Number, orNone(a.Org, f.Centre)
			ps := Section{Heading: "当事人", Columns: []string{"身份", "姓名", "基本情况"}, Empty: "无"}
			for _, p := range a.Parties {
				ps.Rows = append(ps.Rows, []string{p.Role, p.Name, p.Address})
			}
			d.Sections = []Section{ps}
			if t.Kind == KindConfirmation {
				d.Number = "" // the court gives the application its case number
				d.Issuer = ""
				d.Signatures = []string{"申请人（签名或按指印）："}
				for _, p := range a.Parties {
					d.Signatures = append(d.Signatures, p.Role+" "+p.Name+"：")
				}
			} else {
				d.Signatures = []string{"当事人（签名、盖章或按指印）：", "调解员（签名）：", "人民调解委员会（印章）："}
			}
		}
	case KindDossier:
		d.Fields = []Field{
			{"案件编号", values["案件编号"]}, {"事项", f.Title}, {"类型", joinNonEmpty("，", f.KindName, f.Category)},
			{"当事人", partiesText(f.Parties)}, {"发生地点", f.Place}, {"承办单位", orNone(strings.Join(append([]string{f.Lead}, f.Co...), "、"), f.Centre)},
			{"登记日期", values["登记日期"]}, {"归档日期", orNone(values["归档日期"], "尚未归档")}, {"办理结果", values["办理结果"]},
			{"当前状态", f.StateName},
		}
		d.Sections = dossierSections(f)
	}
	return d
}

// dossierSections are the case file's contents (卷内目录), its steps, its documents
// and the index of its attachments.
func dossierSections(f Facts) []Section {
	steps := Section{Heading: "办理经过", Columns: []string{"序号", "时间", "环节", "办理人", "说明"}, Empty: "无"}
	for i, e := range f.Events {
		steps.Rows = append(steps.Rows, []string{strconv.Itoa(i + 1), DateTimeText(e.At), e.Step, e.Actor, e.Note})
	}
	docs := Section{Heading: "出具文书", Columns: []string{"序号", "文书", "文号", "出具日期"}, Empty: "无"}
	for i, d := range f.Documents {
		docs.Rows = append(docs.Rows, []string{strconv.Itoa(i + 1), d.Title, orNone(d.Number, "—"), DateText(d.At)})
	}
	atts := Section{Heading: "附件目录", Columns: []string{"序号", "文件名", "大小", "上传时间"}, Empty: "无"}
	for i, a := range f.Attachments {
		atts.Rows = append(atts.Rows, []string{strconv.Itoa(i + 1), a.Name, a.Size, DateTimeText(a.At)})
	}
	contents := Section{Heading: "卷内目录", Columns: []string{"序号", "材料", "数量"}}
	for i, s := range []Section{{Heading: "案件卷宗封面"}, steps, docs, atts} {
		n := "1"
		if i > 0 {
			n = strconv.Itoa(len(s.Rows))
		}
		contents.Rows = append(contents.Rows, []string{strconv.Itoa(i + 1), s.Heading, n})
	}
	return []Section{contents, steps, docs, atts}
}

const maxPartiesListed = 6

// partiesText lists the parties: 申请人 张三（身份证 6201**…，电话 139****1234）.
func partiesText(ps []Party) string {
	var out []string
	for _, p := range ps {
		s := joinNonEmpty(" ", p.Role, p.Name)
		var extra []string
		if p.IDNumber != "" {
			extra = append(extra, "身份证 "+p.IDNumber)
		}
		if p.Phone != "" {
			extra = append(extra, "电话 "+p.Phone)
		}
		if len(extra) > 0 {
			s += "（" + strings.Join(extra, "，") + "）"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "无"
	}
	// A group case of dozens of households names its first few; the case file's
	// reader finds the rest on the case.
	if len(out) > maxPartiesListed {
		return strings.Join(out[:maxPartiesListed], "；") + "等" + strconv.Itoa(len(out)) + "人"
	}
	return strings.Join(out, "；")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Sample are the facts of an invented case: what the template editor's preview fills
// a wording with.
func Sample() Facts {
	reg := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	return Facts{CaseID: 4711, Title: "王家庄土地承包纠纷", KindName: "信访事项", Category: "申诉求决", Place: "康乐县附城镇王家庄村",
		Description: "二十余户反映土地承包经营权被调整。", RegisteredAt: reg, Centre: "康乐县综治中心", CentreName: "康乐县",
		Parties:   []Party{{Role: "申请人", Name: "王建国", IDNumber: "622922********1234", Phone: "139****5678"}},
		Recipient: "王建国", TrackingCode: "K7Q2-M9XD", TrackURL: "https://onedoor.example/p/track?code=K7Q2M9XD", Petition: true,
		AcceptDays: 15, AcceptBy: reg.AddDate(0, 0, 15), Lead: "康乐县自然资源局", Co: []string{"附城镇司法所", "康乐县农业农村局"},
		AssignedAt: reg.AddDate(0, 0, 1), DueAt: reg.AddDate(0, 0, 61), AssignNote: "请会同镇政府核实承包台账。",
		Supervision: &SupervisionFacts{Addressee: "康乐县自然资源局", Level: "黄牌", Requirement: "五日内报送核实结果", IssuedAt: reg.AddDate(0, 0, 20), ReplyBy: reg.AddDate(0, 0, 27)},
		Visit:       &VisitFacts{At: reg.AddDate(0, 2, 0), By: "李网格", Satisfaction: "满意", Note: "已按协议重新划定地界。"},
		Session: &SessionFacts{HeldAt: reg.AddDate(0, 0, 10), Place: "附城镇巡回法庭", Org: "附城镇人民调解委员会", Mediators: "马调解、周法官",
			Attendees: "王建国、村委会主任李某", Result: "达成协议", Agreed: "按二轮承包合同恢复原地界。",
			Statements: []Field{{"申请人 王建国", "2019年调整承包地时未经村民会议讨论。"}, {"村委会", "调整系按当年人口变化进行。"}}},
		Agreement: &AgreementFacts{Number: "附调字〔2026〕第3号", Org: "附城镇人民调解委员会", Mediator: "马调解",
			Parties: []Party{{Role: "申请人", Name: "王建国", Address: "男，1968年生，身份证622922********1234"}, {Role: "被申请人", Name: "王家庄村民委员会", Address: "负责人李某"}},
			Facts:   "2019年王家庄村调整承包地，二十余户承包面积减少。", Items: "承包地面积和地界。", Responsibilities: "村委会调整程序不当。",
			Content: "村委会于2026年4月30日前按二轮承包合同恢复原地界。", PerformWay: "现场划界", PerformBy: "2026年4月30日",
			SignedOn: reg.AddDate(0, 0, 12), Court: "康乐县人民法院"},
		Events:      []EventFact{{At: reg, Actor: "张受理", Step: "登记"}, {At: reg.AddDate(0, 0, 1), Actor: "张受理", Step: "交办", Note: "主办：康乐县自然资源局"}},
		Documents:   []IssuedFact{{Title: "交办单", Number: "康综治交〔2026〕第3号", At: reg.AddDate(0, 0, 1)}},
		Attachments: []AttachmentFact{{Name: "承包合同.jpg", Size: "1.2 MB", At: reg}},
		Outcome:     "调解成功（协议）", StateName: "已归档"}
}
