// Package importer reads historical 台账 (case ledgers kept in Excel or CSV by the
// offices) into cases: it finds the header under the title rows, reads the values as
// the offices write them (dates, ID numbers, phones, amounts, places, categories) and
// says, row by row and field by field, what it could not read and why. It does no I/O:
// the caller hands it the file's bytes and the organisation's regions and categories,
// and the store writes what it returns. Nothing is matched by resemblance: a value is
// taken when it equals a name (a township written without its 镇 counts as equal) or
// when the source's mapping names it; anything else is reported, to be mapped.
package importer

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/onedoor/onedoor/internal/model"
)

// China is the offices' clock: a day written in a 台账 is a day in Beijing time.
var China = time.FixedZone("CST", 8*3600)

// Codes of the problems a value can have; the UI words them as import.issue.<code>.
const (
	CodeEmpty          = "empty"
	CodeDateFormat     = "date_format"
	CodeDateRange      = "date_range"
	CodeIDExcelNumber  = "id_excel_number"
	CodeAmountFormat   = "amount_format"
	CodeCountFormat    = "count_format"
	CodeUnknownValue   = "unknown_value"
	CodeAmbiguous      = "ambiguous"
	CodeDuplicateRowID = "duplicate_row_id"
	CodeResolvedBefore = "resolved_before_registered"
	CodeOrphanRow      = "continuation_without_case"
	CodeTotalRow       = "total_row"
	CodeStateOutcome   = "outcome_needs_ended_state"
	CodeTooLong        = "too_long"
)

var errFormat = errors.New("format")

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it (its day 60 is
// the 29 February 1900 that never was, so serials from 61 on count from here).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, China)

// ParseDate reads a day (and, when written, a time of day) as the offices write them:
// an Excel date serial (45721, 45721.5), 2025年3月5日, 2025.3.5, 2025/03/05,
// 2025-03-05, 20250305, each optionally followed by a time (14:30, 14:30:05). The
// result is in China's time zone.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(foldWidth(s))
	if s == "" {
		return time.Time{}, errFormat
	}
	// An Excel serial: a plain number, days since the epoch, the fraction the time.
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		if len(s) == 8 && !strings.Contains(s, ".") && s[0] >= '1' && s[0] <= '2' {
			if t, ok := ymd(atoiOK(s[:4]), atoiOK(s[4:6]), atoiOK(s[6:])); ok {
				return t, nil
			}
		}
		// 1 January 1910 to 31 December 2099: a ledger holds nothing else.
		if f < 3654 || f > 73415 || math.IsNaN(f) {
			return time.Time{}, errFormat
		}
		days := math.Floor(f)
		secs := math.Round((f - days) * 86400)
		return excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), nil
	}
	// Split off a time of day.
	datePart, timePart := s, ""
	if i := strings.IndexAny(s, " T"); i > 0 {
		datePart, timePart = s[:i], strings.TrimSpace(s[i+1:])
	}
	datePart = strings.TrimSuffix(datePart, "日")
	datePart = strings.TrimSuffix(datePart, "号")
	var parts []string
	switch {
	case strings.Contains(datePart, "年"):
		y, rest, _ := strings.Cut(datePart, "年")
		m, d, ok := strings.Cut(rest, "月")
		if !ok {
			return time.Time{}, errFormat
		}
		parts = []string{y, m, d}
	default:
		parts = strings.FieldsFunc(datePart, func(r rune) bool { return r == '.' || r == '/' || r == '-' })
	}
	if len(parts) != 3 {
		return time.Time{}, errFormat
	}
	y, m, d := atoiOK(parts[0]), atoiOK(parts[1]), atoiOK(parts[2])
	if len(parts[0]) != 4 {
		return time.Time{}, errFormat
	}
	t, ok := ymd(y, m, d)
	if !ok {
		return time.Time{}, errFormat
	}
	if timePart != "" {
		hms := strings.Split(timePart, ":")
		if len(hms) < 2 || len(hms) > 3 {
			return time.Time{}, errFormat
		}
		h, mi, sec := atoiOK(hms[0]), atoiOK(hms[1]), 0
		if len(hms) == 3 {
			sec = atoiOK(hms[2])
		}
		if h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
			return time.Time{}, errFormat
		}
		t = t.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second)
	}
	return t, nil
}

// ymd is the day y-m-d in China, when it exists.
func ymd(y, m, d int) (time.Time, bool) {
	if y < 1910 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, China)
	if t.Day() != d { // 2月30日
		return time.Time{}, false
	}
	return t, true
}

// atoiOK is the number the ASCII digits of s make, -1 when s is anything else.
func atoiOK(s string) int {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// foldWidth turns full-width digits, letters and punctuation of Chinese input methods
// into ASCII, and the ideographic space into a space.
func foldWidth(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '！' && r <= '～':
			r = r - '！' + '!'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ParseIDNumber reads an ID number (lower-case x and full-width digits are folded by
// model.NormalizeIDNumberAt). A number Excel stored as a number (6.22922E+17, or its
// 18 digits ending in zeros Excel made up) has lost digits: it is refused as such,
// for no checksum can tell which.
func ParseIDNumber(s string, now time.Time) (string, error) {
	t := strings.TrimSpace(foldWidth(s))
	if strings.ContainsAny(t, "eE") && strings.Contains(t, "+") {
		return "", model.Invalid("", CodeIDExcelNumber, "import.issue.id_excel_number")
	}
	if strings.Contains(t, ".") {
		if _, err := strconv.ParseFloat(t, 64); err == nil {
			return "", model.Invalid("", CodeIDExcelNumber, "import.issue.id_excel_number")
		}
	}
	id, err := model.NormalizeIDNumberAt(t, now)
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Code == model.CodeIDNumberChecksum && strings.HasSuffix(t, "000") {
		// Excel keeps 15 significant digits: the last three became zeros.
		return "", model.Invalid("", CodeIDExcelNumber, "import.issue.id_excel_number")
	}
	return id, err
}

// ParseAmount reads an amount of money into fen: 12000, 12,000, 12000元, 1.2万元,
// 1.2万, ￥3,500.50. unitWan says the column counts in 万元 (its header says so), so a
// bare number there is ten thousand yuan; a unit written in the cell wins.
func ParseAmount(s string, unitWan bool) (int64, error) {
	t := strings.TrimSpace(foldWidth(s))
	t = strings.TrimLeft(t, "¥￥")
	t = strings.ReplaceAll(t, ",", "")
	t = strings.ReplaceAll(t, "，", "")
	t = strings.ReplaceAll(t, " ", "")
	mult := 100.0
	if unitWan {
		mult = 1_000_000
	}
	switch {
	case strings.HasSuffix(t, "万元"):
		t, mult = strings.TrimSuffix(t, "万元"), 1_000_000
	case strings.HasSuffix(t, "万"):
		t, mult = strings.TrimSuffix(t, "万"), 1_000_000
	case strings.HasSuffix(t, "元"):
		t, mult = strings.TrimSuffix(t, "元"), 100
	}
	if t == "" || strings.ContainsAny(t, "eE+-") {
		return 0, errFormat
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f*mult > 1e15 {
		return 0, errFormat
	}
	return int64(math.Round(f * mult)), nil
}

// ParseCount reads a number of people: 3, 3人, 约30人, 三 is refused.
func ParseCount(s string) (int, error) {
	t := strings.TrimSpace(foldWidth(s))
	t = strings.TrimPrefix(t, "约")
	t = strings.TrimSuffix(t, "余人")
	t = strings.TrimSuffix(t, "人")
	t = strings.TrimSuffix(t, "名")
	t = strings.TrimSpace(t)
	if f, err := strconv.ParseFloat(t, 64); err == nil && f == math.Trunc(f) && f >= 0 && f <= 1e6 {
		return int(f), nil
	}
	return 0, errFormat
}

// Clean is a cell as compared with names and mapped values: no surrounding or inner
// white space (offices pad names to line them up: "张  三"), full width folded.
func Clean(s string) string {
	s = foldWidth(s)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}
