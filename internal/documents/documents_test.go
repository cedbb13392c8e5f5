package documents

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

func TestValidate(t *testing.T) {
	ok := Default(KindAssignment)
	tests := []struct {
		name      string
		edit      func(*Template)
		field     string
		code      string
		mentioned string // the message's argument must name this
	}{
		{"the default", func(*Template) {}, "", "", ""},
		{"every default", nil, "", "", ""},
		{"an unknown placeholder in the body", func(t *Template) { t.Body += "{{申请人电话}}" }, "body", "unknown_placeholder", "{{申请人电话}}"},
		{"an unknown placeholder in the title", func(t *Template) { t.Title = "{{标题}}交办单" }, "title", "unknown_placeholder", "{{标题}}"},
		{"another kind's placeholder", func(t *Template) { t.Closing = "{{查询码}}" }, "closing", "unknown_placeholder", "{{查询码}}"},
		{"a placeholder left open", func(t *Template) { t.Body += "{{承办单位" }, "body", "unclosed_placeholder", ""},
		{"a stray closing", func(t *Template) { t.Body += "承办单位}}" }, "body", "unclosed_placeholder", ""},
		{"spaces inside a placeholder", func(t *Template) { t.Body = "{{ 承办单位 }}：请办理。" }, "", "", ""},
		{"no title", func(t *Template) { t.Title = "  " }, "title", "required", ""},
		{"no body", func(t *Template) { t.Body = "" }, "body", "required", ""},
		{"no prefix on a numbered kind", func(t *Template) { t.Prefix = "" }, "prefix", "required", ""},
		{"a prefix with the year's brackets", func(t *Template) { t.Prefix = "康综治交〔2026〕" }, "prefix", "shape", ""},
		{"a title too long", func(t *Template) { t.Title = strings.Repeat("交", MaxTitle+1) }, "title", "too_long", ""},
		{"a control character", func(t *Template) { t.Body += "\x07" }, "body", "control", ""},
		{"an unknown kind", func(t *Template) { t.Kind = "memo" }, "kind", "invalid", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.edit == nil {
				for _, k := range Kinds {
					if err := Validate(Default(k)); err != nil {
						t.Errorf("default %s: %v", k, err)
					}
				}
				return
			}
			tpl := ok
			tc.edit(&tpl)
			err := Validate(tpl)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || fe.Code != tc.code {
				t.Fatalf("got %v, want %s/%s", err, tc.field, tc.code)
			}
			if tc.mentioned != "" && !strings.Contains(fe.Error(), tc.mentioned) {
				t.Errorf("message %q does not name %s", fe.Error(), tc.mentioned)
			}
		})
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("交办单", "{{简称}}综治交", "{{承办单位}}：{{事项}}", "")
	f.Add("{{", "}}", "{{}}", "{{{{x}}}}")
	f.Fuzz(func(t *testing.T, title, prefix, body, closing string) {
		tpl := Template{Kind: KindAssignment, Title: title, Prefix: prefix, Body: body, Closing: closing}
		if Validate(tpl) != nil {
			return
		}
		// What Validate accepts fills without a brace of a placeholder left over.
		d := Compose(tpl, Sample(), "X", time.Now())
		for _, p := range append(d.Paragraphs, d.Title, d.Closing, d.Addressee) {
			if placeholderRE.MatchString(p) && !strings.Contains(body+title+closing, "{{{{") {
				t.Fatalf("placeholder left in %q", p)
			}
		}
	})
}

func TestNumberAndYear(t *testing.T) {
	if got := Number("康综治交", 2026, 12); got != "康综治交〔2026〕第12号" {
		t.Errorf("Number = %q", got)
	}
	// The year turns at midnight in China, not in UTC.
	lastMinute := time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC) // 23:59 in Beijing
	firstMinute := lastMinute.Add(2 * time.Minute)
	if Year(lastMinute) != 2026 || Year(firstMinute) != 2027 {
		t.Errorf("years %d, %d", Year(lastMinute), Year(firstMinute))
	}
	if got := DateText(firstMinute); got != "2027年1月1日" {
		t.Errorf("DateText = %q", got)
	}
	if Abbreviation("康乐县") != "康" || Abbreviation("") != "" {
		t.Error("Abbreviation")
	}
}

func TestComposeFillsEveryKind(t *testing.T) {
	f := Sample()
	at := time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC)
	want := map[Kind][]string{
		KindReceipt:         {"王建国：", "查询码K7Q2-M9XD", "依照《信访工作条例》第二十二条、第二十三条的规定", "15日内（2026年3月17日前）"},
		KindAcceptance:      {"王建国：", "由康乐县自然资源局负责办理", "办理期限至2026年5月2日"},
		KindAssignment:      {"康乐县自然资源局：", "交由你单位主办", "交办意见：请会同镇政府核实承包台账。", "五个工作日内"},
		KindSupervision:     {"康乐县自然资源局：", "予以黄牌督办", "督办要求：五日内报送核实结果", "2026年3月29日前"},
		KindFollowUp:        {"2026年5月2日，康乐县综治中心", "当事人评价：满意", "已按协议重新划定地界"},
		KindDossier:         {"案件编号4711", "调解成功（协议）"},
		KindMediationRecord: {"时间：2026年3月12日 09:00", "地点：附城镇巡回法庭", "调解结果：达成协议。达成内容：按二轮承包合同恢复原地界。"},
		KindAgreement:       {"纠纷主要事实：2019年", "经附城镇人民调解委员会主持调解", "履行期限：2026年4月30日", "三十日内"},
		KindConfirmation:    {"康乐县人民法院：", "申请人王建国、王家庄村民委员会于2026年3月14日", "（附调字〔2026〕第3号）", "第三十三条"},
	}
	for _, k := range Kinds {
		d := Compose(Default(k), f, Number("康综治X", 2026, 1), at)
		text := d.Addressee + "\n" + strings.Join(d.Paragraphs, "\n")
		for _, w := range want[k] {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", k, w, text)
			}
		}
		if strings.Contains(text, "{{") {
			t.Errorf("%s keeps a placeholder: %s", k, text)
		}
		if k == KindAgreement && (d.Number != "附调字〔2026〕第3号" || d.Issuer != "附城镇人民调解委员会") {
			t.Errorf("agreement numbered %q by %q, want its organisation's", d.Number, d.Issuer)
		}
		if got := d.QRText != ""; got != k.ForCitizen() {
			t.Errorf("%s: QR code %v, want it only on the citizen's documents", k, got)
		}
	}
	// A dispute's receipt does not cite the petition regulation.
	f.Petition = false
	d := Compose(Default(KindReceipt), f, "", at)
	if strings.Contains(strings.Join(d.Paragraphs, ""), "信访工作条例") {
		t.Error("a dispute's receipt cites 信访工作条例")
	}
	// The case file's contents count what its sections hold.
	dos := Compose(Default(KindDossier), Sample(), "", at)
	if len(dos.Sections) != 4 || dos.Sections[0].Rows[1][2] != "2" || dos.Sections[0].Rows[3][2] != "1" {
		t.Errorf("case file sections: %+v", dos.Sections)
	}
}

func TestManyPartiesAreCut(t *testing.T) {
	var ps []Party
	for range 48 {
		ps = append(ps, Party{Role: "申请人", Name: "王某"})
	}
	got := partiesText(ps)
	if !strings.HasSuffix(got, "等48人") || strings.Count(got, "王某") != maxPartiesListed {
		t.Errorf("partiesText = %q", got)
	}
}

func TestRenderHTML(t *testing.T) {
	d := Compose(Default(KindReceipt), Sample(), "康综治登〔2026〕第1号", time.Now())
	d.Paragraphs = append(d.Paragraphs, `<script>alert(1)</script>`)
	var b bytes.Buffer
	if err := RenderHTML(&b, d, HTMLOptions{Stylesheet: "/static/document.css", Toolbar: []ToolLink{{Label: "打印", Print: true}}}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, w := range []string{"康综治登〔2026〕第1号", "登记回执", `href="/static/document.css"`, `src="data:image/png;base64,`, "data-print", "&lt;script&gt;"} {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "style=") {
		t.Error("the page carries markup of the text, or an inline style the CSP would block")
	}
}

func TestRenderDOCX(t *testing.T) {
	for _, k := range Kinds {
		d := Compose(Default(k), Sample(), Number("康综治X", 2026, 7), time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC))
		d.Paragraphs = append(d.Paragraphs, `甲 & 乙 <协议> "引号"`)
		var b bytes.Buffer
		if err := RenderDOCX(&b, d); err != nil {
			t.Fatal(err)
		}
		text, err := DOCXText(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatalf("%s: the .docx does not open: %v", k, err)
		}
		for _, w := range []string{d.Title, d.Number, d.Issuer, "2026年3月3日", `甲 & 乙 <协议> "引号"`, d.Paragraphs[0]} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: .docx text lacks %q:\n%s", k, w, text)
			}
		}
		if k == KindDossier && !strings.Contains(text, "承包合同.jpg") {
			t.Errorf("the case file's .docx lacks its attachments index")
		}
		// The same document gives the same bytes: a reprint is the same file.
		var again bytes.Buffer
		_ = RenderDOCX(&again, d)
		if !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s: two renderings differ", k)
		}
	}
}
