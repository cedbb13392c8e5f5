package model

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// zhaoLiu is a case as the issue found it in a webhook: its applicant's name, mobile
// and ID number in the title, and the citizen's tracking code.
var zhaoLiu = Private{TrackingCode: "9Q7PKQBH2XX5", Parties: []Party{
	{Role: PartyApplicant, Name: "赵六", Phone: "13712345678", IDNumber: "110105194912310021"},
	{Role: PartyRespondent, Name: "钱七", Phone: "0931-7123456"},
	{Role: PartyOther, Name: "群众"},
	{Role: PartyOther, Name: "孙"},
}}

func TestMaskText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		priv           Private
	}{
		// How Chinese input methods and people write numbers.
		{"full-width mobile", "电话１３９１２３４５６７８", "电话***", Private{}},
		{"full-width ID number", "１１０１０５１９４９１２３１００２Ｘ", "***", Private{}},
		{"spaced mobile", "1 3 9 1 2 3 4 5 6 7 8", "***", Private{}},
		{"grouped ID number", "身份证110105 19491231 002X，", "身份证***，", Private{}},
		{"ID number, lower-case x", "11010519491231002x", "***", Private{}},
		{"ID number, full-width space and x", "110105　19491231　002ｘ", "***", Private{}},
		{"dashed mobile", "联系139-1234-5678谢谢", "联系***谢谢", Private{}},
		{"dotted mobile", "139.1234.5678", "***", Private{}},
		{"full-width dashes", "１３９－１２３４－５６７８", "***", Private{}},
		{"em dashes", "139—1234—5678", "***", Private{}},
		{"zero-width spaces", "139\u200b1234\u200b5678", "***", Private{}},
		{"bold digits", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "***", Private{}},
		{"circled digits", "①③⑨①②③④⑤⑥⑦⑧", "***", Private{}},
		{"+86", "手机+86 139 1234 5678", "手机***", Private{}},
		{"0086", "0086-13912345678", "***", Private{}},
		{"mobile inside a longer run", "813912345678", "***", Private{}},
		{"two mobiles with a space", "13912345678 13812345678", "***", Private{}},
		{"½ is 1⁄2: a character over two numbers", "13912345678½09318123456", "***", Private{}},
		{"two mobiles with a comma", "13912345678，13812345678", "***，***", Private{}},
		{"landline", "座机0931-8123456", "座机***", Private{}},
		{"landline, Beijing", "010 6536 3526", "***", Private{}},
		{"landline +86 without trunk 0", "+86 931 8123456", "***", Private{}},
		{"a child's ID number", "110105200501010012", "***", Private{}},
		{"18 digits, whatever they begin with", "990105200501010012", "***", Private{}},
		{"old 15-digit ID number", "620102700101123", "***", Private{}},
		{"bank card", "6222 0212 3456 7890 123", "***", Private{}},

		// What is not a phone or an ID number stays as written.
		{"date and time", "2026-03-01 09:30到场", "2026-03-01 09:30到场", Private{}},
		{"date range", "2026-03-01-2026-03-05期间", "2026-03-01-2026-03-05期间", Private{}},
		{"amount and count", "拖欠工资12000元，共40人", "拖欠工资12000元，共40人", Private{}},
		{"service numbers", "已拨打110和12345", "已拨打110和12345", Private{}},
		{"full-width house number", "城关村１２号门前", "城关村１２号门前", Private{}},
		{"10 digits", "1391234567", "1391234567", Private{}},
		{"a number cut short", "身份证110105 1949…", "身份证***…", Private{}},
		{"a number cut short, three dots", "电话1391234...", "电话***...", Private{}},
		{"six digits cut short", "共计123456…", "共计123456…", Private{}},
		{"16-digit date pair", "20260301 20260305", "20260301 20260305", Private{}},
		{"text around kept as written", "（电话：１３９ １２３４ ５６７８）ｏｋ", "（电话：***）ｏｋ", Private{}},

		// The case's own people and code.
		{"the webhook the review caught", "求助人赵六电话13712345678身份证110105194912310021（9Q7PKQBH2XX5）",
			"求助人***电话***身份证***（***）", zhaoLiu},
		{"names", "赵六与钱七因宅基地发生纠纷", "***与***因宅基地发生纠纷", zhaoLiu},
		{"a name typed with a space", "赵 六来访", "***来访", zhaoLiu},
		{"群众 is no name, one character too few", "群众孙某反映", "群众孙某反映", zhaoLiu},
		{"a party's landline without its area code", "打7123456找钱七", "打***找***", zhaoLiu},
		{"the party's ID number, mistyped date", "身份证110105194913310021", "身份证***", zhaoLiu},
		{"a party's phone cut short by a title", "赵六电话1371234…", "***电话***…", zhaoLiu},
		{"six digits of it are not enough", "编号123456", "编号123456", zhaoLiu},
		{"tracking code typed loosely", "查询码9q7p-kqbh-2xx5", "查询码***", zhaoLiu},
		{"nothing of the case", "村口消防栓损坏", "村口消防栓损坏", zhaoLiu},
		{"empty", "", "", zhaoLiu},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MaskText(tc.in, tc.priv)
			if got != tc.want {
				t.Errorf("MaskText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := MaskText(got, tc.priv); again != got {
				t.Errorf("masked again: %q, once: %q", again, got)
			}
		})
	}
}

var (
	mobileRe   = regexp.MustCompile(`1[3-9][0-9]{9}`)
	idNumberRe = regexp.MustCompile(`[0-9]{17}[0-9X]`)
)

// readAsNumbers is a text as someone reading numbers off it would: NFKC over the whole
// text, upper case, the separators between digits dropped.
func readAsNumbers(s string) string {
	return strings.Map(func(r rune) rune {
		if isTextSeparator(r) {
			return -1
		}
		return r
	}, strings.ToUpper(norm.NFKC.String(s)))
}

// FuzzMaskText: MaskText never panics, is idempotent, and what it leaves holds no
// mobile, no 18-character ID number, no name of the party and not its phone, however
// the text is written.
func FuzzMaskText(f *testing.F) {
	for _, s := range []string{"电话１３９１２３４５６７８", "１１０１０５１９４９１２３１００２Ｘ", "1 3 9 1 2 3 4 5 6 7 8",
		"110105 19491231 002X", "求助人赵六电话13712345678身份证110105194912310021（9Q7PKQBH2XX5）", "½13912345678½",
		"+86 931 8123456", "⑴3⑼12345678", "2026-03-01-2026-03-05", "\xff139\u0338123456789", "㉑3912345678"} {
		f.Add(s, "赵六", "13712345678")
	}
	f.Fuzz(func(t *testing.T, s, name, phone string) {
		priv := Private{Parties: []Party{{Name: name, Phone: phone}}, TrackingCode: "9Q7PKQBH2XX5"}
		out := MaskText(s, priv)
		if again := MaskText(out, priv); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		read := readAsNumbers(out)
		if m := mobileRe.FindString(read); m != "" {
			t.Fatalf("%q → %q keeps the mobile %s", s, out, m)
		}
		if m := idNumberRe.FindString(read); m != "" {
			t.Fatalf("%q → %q keeps the ID number %s", s, out, m)
		}
		if strings.Contains(read, "9Q7PKQBH2XX5") {
			t.Fatalf("%q → %q keeps the tracking code", s, out)
		}
		if n := readAsNumbers(strings.TrimSpace(name)); len([]rune(n)) >= 2 && n != "群众" && !strings.Contains(n, "*") && strings.Contains(read, n) {
			t.Fatalf("%q → %q keeps the name %q", s, out, name)
		}
		if p, err := NormalizePhone(phone); err == nil && strings.Contains(read, strings.ReplaceAll(p, "-", "")) {
			t.Fatalf("%q → %q keeps the phone %q", s, out, phone)
		}
	})
}

// An agreement's particulars show a phone and an ID number as every list does, and
// keep what is neither; what MaskText takes out that is neither stays ***.
func TestMaskParticulars(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"身份证号 622922197005050011，电话 13893001122，住址 康乐县附城镇", "身份证号 622922********0011，电话 138****1122，住址 康乐县附城镇"},
		{"电话 +86 138-9300-1122", "电话 138****1122"},
		{"电话 １３８９３００１１２２", "电话 138****1122"},
		{"座机 0930-4412345", "座机 0930-***2345"},
		{"身份证 62292219700505001X", "身份证 622922********001X"},
		{"旧证 622922700505001", "旧证 622922******001"},
		{"账号 62220212345678901234", "账号 ***"},
		{"男，1970年生，赔偿 258000 元", "男，1970年生，赔偿 258000 元"},
		{"身份证号 622922********0011，电话 138****1122", "身份证号 622922********0011，电话 138****1122"},
	} {
		if got := MaskParticulars(c.in); got != c.want {
			t.Errorf("MaskParticulars(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzMaskParticulars(f *testing.F) {
	for _, s := range []string{"身份证号 622922197005050011，电话 13893001122", "+86 931 8123456", "１１０１０５１９４９１２３１００２Ｘ",
		"½13912345678½", "0930-4412345 62220212345678901234", "⑴3⑼12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskParticulars(s)
		if again := MaskParticulars(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		read := readAsNumbers(out)
		if m := mobileRe.FindString(read); m != "" {
			t.Fatalf("%q → %q keeps the mobile %s", s, out, m)
		}
		if m := idNumberRe.FindString(read); m != "" {
			t.Fatalf("%q → %q keeps the ID number %s", s, out, m)
		}
		// Nothing MaskText keeps is taken, nothing it masks is kept whole.
		if MaskText(s, Private{}) == s && out != s {
			t.Fatalf("%q → %q masked what MaskText keeps", s, out)
		}
	})
}
