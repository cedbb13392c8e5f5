package importer

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Sheet is a worksheet as read from the file: its rows of cells, as text (an Excel
// date as its serial). Rows[0] is the sheet's row 1.
type Sheet struct {
	Name string
	Rows [][]string
}

// Issue is one thing the import could not take from a row: which row (as the sheet
// numbers it), which field and column, the value as written, and why (Code, worded
// by the UI as import.issue.<code>). An issue makes its row's case stay out, except
// a skipped row's (Skipped), which only says why the row is not a case.
type Issue struct {
	Row     int    `json:"row"`
	Field   Field  `json:"field,omitempty"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Code    string `json:"code"`
	Skipped bool   `json:"skipped,omitempty"`
	Ref     int    `json:"ref,omitempty"` // the other row, for a duplicate id
}

// Record is one case the ledger describes: its first row, the continuation rows that
// add parties, the source's id of it, and the case as read, or its issues.
type Record struct {
	Row     int
	LastRow int
	Key     string
	Case    model.Case
	Issues  []Issue
}

// OK reports whether the record can be imported.
func (r *Record) OK() bool { return len(r.Issues) == 0 }

// Dictionary is what the rows' words are matched against: the deployment's regions
// and categories. Now bounds the dates (nothing registered in the future).
type Dictionary struct {
	Regions    []model.Region
	Categories []model.Category
	Now        time.Time
}

// Ledger is a sheet read through a mapping.
type Ledger struct {
	Sheet     string
	HeaderRow int      // as the sheet numbers it; 0: no header found
	Headers   []string // the header row's cells
	Cases     int      // the records read
	good      int      // the records without issues
	// Records are the records read, all of them from Read; from Scan, all of them
	// when it keeps them, else those with issues (their cases left out).
	Records []Record
	Skipped []Issue // rows that are no case: totals, continuation rows without a case
	// Unknown counts, per field, the words no mapping or name matched: what the
	// mapping page asks about.
	Unknown map[Field]map[string]int
	Rows    int // data rows below the header, empty ones not counted
}

// Issues is every issue of the ledger, row by row.
func (l *Ledger) Issues() []Issue {
	var out []Issue
	ri, si := 0, 0
	for ri < len(l.Records) || si < len(l.Skipped) {
		if si == len(l.Skipped) || ri < len(l.Records) && l.Records[ri].Row < l.Skipped[si].Row {
			out = append(out, l.Records[ri].Issues...)
			ri++
			continue
		}
		out = append(out, l.Skipped[si])
		si++
	}
	return out
}

// Good is how many records can be imported.
func (l *Ledger) Good() int { return l.good }

// ErrNoHeader means no sheet of the file has a row that reads like a ledger's header.
var ErrNoHeader = errors.New("importer: no header row found")

// headerScanRows is how far down a sheet the header is looked for: below a title, a
// 填报单位 line, a blank row or two.
const headerScanRows = 20

// FindHeader finds the sheet and row of the ledger's header: the first row, in the
// first 20 of a sheet, with at least three cells that are known headers (commonly
// used, or named by the mapping). A title row (one cell) and a 填报单位 row above it
// are passed over, and so is a sheet of instructions. It returns the sheet's index
// and the row's (0-based), or ErrNoHeader.
func FindHeader(sheets []Sheet, m Mapping) (sheet, row int, err error) {
	for si, sh := range sheets {
		for ri := 0; ri < len(sh.Rows) && ri < headerScanRows; ri++ {
			if isHeader(sh.Rows[ri], m) {
				return si, ri, nil
			}
		}
	}
	return 0, 0, ErrNoHeader
}

// Headers is the header row of the ledger in sheets, "" for none.
func Headers(sheets []Sheet, m Mapping) []string {
	si, ri, err := FindHeader(sheets, m)
	if err != nil {
		return nil
	}
	return sheets[si].Rows[ri]
}

// column is a header's position and field.
type column struct {
	index   int
	header  string
	field   Field
	unitWan bool
}

// Read reads the ledger of sheets through m: the header found by FindHeader, every
// row below it a case, a continuation row (no id, date, category or description, but
// a party) a further party of the case above, a row of totals (合计, 总计, 小计) and
// an empty row skipped. Its Records are every record; see Scan for a file too big to
// hold.
func Read(sheets []Sheet, m Mapping, d Dictionary) (*Ledger, error) {
	return scan(memorySheets(sheets), m, d, true, nil)
}

// cell is a non-empty value and its column.
type cell struct {
	v   string
	col column
}

func isEmptyRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func firstCell(row []string) string {
	for _, c := range row {
		if c = strings.TrimSpace(c); c != "" {
			return c
		}
	}
	return ""
}

// isTotalRow reports whether the row's first filled cell says 合计/总计/小计.
func isTotalRow(row []string) bool {
	c := Clean(firstCell(row))
	for _, w := range []string{"合计", "总计", "小计"} {
		if strings.HasPrefix(c, w) {
			return true
		}
	}
	return false
}

// isContinuation reports whether a row only adds a party to the case above it.
func isContinuation(cells map[Field]cell) bool {
	for _, f := range []Field{FieldRowID, FieldRegistered, FieldCategory, FieldDescription} {
		if _, ok := cells[f]; ok {
			return false
		}
	}
	_, name := cells[FieldPartyName]
	_, id := cells[FieldIDNumber]
	return name || id
}

// normaliser turns rows into cases, with the lookups of a dictionary.
type normaliser struct {
	m   Mapping
	d   Dictionary
	l   *Ledger
	now time.Time

	root       model.Region
	byID       map[int64]*model.Region
	byCode     map[string]*model.Region
	townships  map[string][]*model.Region // by name and by name without 镇/乡/街道
	villages   map[int64]map[string][]*model.Region
	categories map[string][]*model.Category // by name and by code
	catByCode  map[string]*model.Category
}

// townshipSuffixes are what a township's name ends in and an office may leave off.
var townshipSuffixes = []string{"街道办事处", "街道", "镇", "乡"}

// villageSuffixes likewise for a village or community (the statistical names end in
// 村委会 / 居委会, a ledger writes 村 / 社区 or nothing).
var villageSuffixes = []string{"村民委员会", "村委会", "社区居委会", "居委会", "社区", "村"}

func newNormaliser(m Mapping, d Dictionary, l *Ledger) *normaliser {
	n := &normaliser{m: m, d: d, l: l, now: d.Now, byID: map[int64]*model.Region{}, byCode: map[string]*model.Region{},
		townships: map[string][]*model.Region{}, villages: map[int64]map[string][]*model.Region{},
		categories: map[string][]*model.Category{}, catByCode: map[string]*model.Category{}}
	if n.now.IsZero() {
		n.now = time.Now()
	}
	for i := range d.Regions {
		g := &d.Regions[i]
		n.byID[g.ID] = g
		n.byCode[g.Code] = g
		if g.ParentID == 0 {
			n.root = *g
		}
	}
	for i := range d.Regions {
		g := &d.Regions[i]
		switch g.Level {
		case model.LevelTownship:
			for _, k := range nameKeys(g.Name, townshipSuffixes) {
				n.townships[k] = appendOnce(n.townships[k], g)
			}
		case model.LevelVillage:
			if n.villages[g.ParentID] == nil {
				n.villages[g.ParentID] = map[string][]*model.Region{}
			}
			for _, k := range nameKeys(g.Name, villageSuffixes) {
				n.villages[g.ParentID][k] = appendOnce(n.villages[g.ParentID][k], g)
			}
		}
	}
	for i := range d.Categories {
		c := &d.Categories[i]
		if !c.Active {
			continue
		}
		n.categories[Clean(c.Name)] = append(n.categories[Clean(c.Name)], c)
		n.catByCode[c.Code] = c
	}
	return n
}

func appendOnce(s []*model.Region, g *model.Region) []*model.Region {
	for _, x := range s {
		if x == g {
			return s
		}
	}
	return append(s, g)
}

// nameKeys are the ways a place's name is written: whole, and without its suffix
// (苏集镇, 苏集). Only the suffix is left off; nothing else about the name may differ.
func nameKeys(name string, suffixes []string) []string {
	name = Clean(name)
	keys := []string{name}
	for _, s := range suffixes {
		if base, ok := strings.CutSuffix(name, s); ok && base != "" {
			keys = append(keys, base)
			break
		}
	}
	return keys
}

// lookupPlace finds a written place name among the candidates keyed by nameKeys.
func lookupPlace(keys map[string][]*model.Region, v string, suffixes []string) []*model.Region {
	for _, k := range nameKeys(v, suffixes) {
		if g := keys[k]; len(g) > 0 {
			return g
		}
	}
	return nil
}

// unknown notes a word nothing matched, for the mapping page, and returns the issue.
func (n *normaliser) unknown(row int, f Field, c cell) Issue {
	w := Clean(c.v)
	if n.l.Unknown[f] == nil {
		n.l.Unknown[f] = map[string]int{}
	}
	n.l.Unknown[f][w]++
	return Issue{Row: row, Field: f, Column: c.col.header, Value: c.v, Code: CodeUnknownValue}
}

func (n *normaliser) issue(row int, f Field, c cell, code string) Issue {
	return Issue{Row: row, Field: f, Column: c.col.header, Value: c.v, Code: code}
}

// record reads one row that starts a case.
func (n *normaliser) record(row int, cells map[Field]cell) Record {
	r := Record{Row: row, LastRow: row}
	c := &r.Case
	c.Channel = model.ChannelImport
	c.Urgency = "normal"
	c.PeopleCount = 1
	c.RiskLevel, c.RiskComputed = "none", "none"
	bad := func(is Issue) { r.Issues = append(r.Issues, is) }
	need := func(f Field) (cell, bool) {
		v, ok := cells[f]
		if !ok {
			bad(Issue{Row: row, Field: f, Code: CodeEmpty})
		}
		return v, ok
	}

	if v, ok := cells[FieldRowID]; ok {
		r.Key = Clean(v.v)
		if f, err := strconv.ParseFloat(r.Key, 64); err == nil && strings.HasSuffix(r.Key, ".0") {
			r.Key = strconv.FormatFloat(f, 'f', -1, 64) // 12.0 as Excel may write 12
		}
	} else {
		// Without the source's own ids, the row's place in the sheet is its id: the
		// same file imported again adds nothing, an edited one may.
		r.Key = "#" + strconv.Itoa(row)
	}

	if v, ok := need(FieldRegistered); ok {
		t, err := ParseDate(v.v)
		switch {
		case err != nil:
			bad(n.issue(row, FieldRegistered, v, CodeDateFormat))
		case t.After(n.now):
			bad(n.issue(row, FieldRegistered, v, CodeDateRange))
		default:
			c.CreatedAt = t.UTC()
		}
	}

	// The category decides the kind.
	if v, ok := need(FieldCategory); ok {
		cat, code := n.category(v.v)
		switch {
		case cat != nil:
			c.CategoryID, c.CategoryCode, c.Kind = cat.ID, cat.Code, cat.Kind
		default:
			if code == CodeUnknownValue {
				bad(n.unknown(row, FieldCategory, v))
			} else {
				bad(n.issue(row, FieldCategory, v, code))
			}
		}
	}

	if v, ok := need(FieldDescription); ok {
		c.Description = strings.TrimSpace(v.v)
		if utf8.RuneCountInString(c.Description) > 4000 {
			bad(n.issue(row, FieldDescription, v, CodeTooLong))
		}
		c.Title = model.Headline(c.Description, 40)
	}

	n.place(&r, row, cells)
	if v, ok := cells[FieldAddress]; ok {
		c.Address = strings.TrimSpace(v.v)
	}

	if v, ok := cells[FieldAmount]; ok {
		fen, err := ParseAmount(v.v, v.col.unitWan)
		if err != nil {
			bad(n.issue(row, FieldAmount, v, CodeAmountFormat))
		}
		c.AmountFen = fen
	}
	if v, ok := cells[FieldPeople]; ok {
		k, err := ParseCount(v.v)
		if err != nil || k == 0 {
			bad(n.issue(row, FieldPeople, v, CodeCountFormat))
		} else {
			c.PeopleCount = k
		}
	}

	n.stateAndOutcome(&r, row, cells)
	n.addParties(&r, row, cells, false)
	return r
}

// category finds the category a word names: the mapping's, else one category of that
// exact name or code. Two categories of the name ("其他" of several kinds) is ambiguous.
func (n *normaliser) category(v string) (*model.Category, string) {
	if code := n.m.Value(FieldCategory, v); code != "" {
		if c := n.catByCode[code]; c != nil {
			return c, ""
		}
		return nil, CodeUnknownValue
	}
	if c := n.catByCode[Clean(v)]; c != nil {
		return c, ""
	}
	switch cs := n.categories[Clean(v)]; len(cs) {
	case 0:
		return nil, CodeUnknownValue
	case 1:
		return cs[0], ""
	default:
		return nil, CodeAmbiguous
	}
}

// place sets the case's region: the village within its township, or the township, or
// the deployment's root when the row names neither.
func (n *normaliser) place(r *Record, row int, cells map[Field]cell) {
	c := &r.Case
	var town, village *model.Region
	if v, ok := cells[FieldTownship]; ok {
		if code := n.m.Value(FieldTownship, v.v); code != "" {
			town = n.byCode[code]
		} else {
			switch gs := lookupPlace(n.townships, v.v, townshipSuffixes); len(gs) {
			case 1:
				town = gs[0]
			case 0:
			default:
				r.Issues = append(r.Issues, n.issue(row, FieldTownship, v, CodeAmbiguous))
				return
			}
		}
		if town == nil {
			r.Issues = append(r.Issues, n.unknown(row, FieldTownship, v))
			return
		}
	}
	if v, ok := cells[FieldVillage]; ok {
		if code := n.m.Value(FieldVillage, v.v); code != "" {
			village = n.byCode[code]
		} else if town != nil {
			if gs := lookupPlace(n.villages[town.ID], v.v, villageSuffixes); len(gs) == 1 {
				village = gs[0]
			}
		} else {
			// No township given: the village's name must be unique in the deployment.
			var found []*model.Region
			for _, byName := range n.villages {
				found = append(found, lookupPlace(byName, v.v, villageSuffixes)...)
			}
			if len(found) > 1 {
				r.Issues = append(r.Issues, n.issue(row, FieldVillage, v, CodeAmbiguous))
				return
			}
			if len(found) == 1 {
				village = found[0]
			}
		}
		if village == nil {
			r.Issues = append(r.Issues, n.unknown(row, FieldVillage, v))
			return
		}
	}
	at := &n.root
	switch {
	case village != nil:
		at = village
	case town != nil:
		at = town
	}
	if at.ID == 0 {
		r.Issues = append(r.Issues, Issue{Row: row, Field: FieldTownship, Code: CodeEmpty})
		return
	}
	c.RegionID, c.RegionPath = at.ID, at.Path
	// The case belongs to the centre of its township (a village's parent), or of the
	// region itself when it is above the villages.
	c.CentreID = at.ID
	if at.Level == model.LevelVillage || at.Level == model.LevelGrid {
		c.CentreID = at.ParentID
		if p := n.byID[at.ParentID]; p != nil && p.Level == model.LevelVillage {
			c.CentreID = p.ParentID
		}
	}
}

// stateAndOutcome sets the state, the outcome and the dates they imply.
func (n *normaliser) stateAndOutcome(r *Record, row int, cells map[Field]cell) {
	c := &r.Case
	state := n.m.State
	if v, ok := cells[FieldState]; ok {
		state = n.m.Value(FieldState, v.v)
		if state == "" && workflow.State(Clean(v.v)).Valid() {
			state = Clean(v.v)
		}
		if state == "" || !importableState(workflow.State(state)) {
			r.Issues = append(r.Issues, n.unknown(row, FieldState, v))
			return
		}
	} else if state == "" {
		r.Issues = append(r.Issues, Issue{Row: row, Field: FieldState, Code: CodeEmpty})
		return
	}
	c.State = state
	st := workflow.State(state)
	ended := st == workflow.StateResolved || st == workflow.StateVerified || st == workflow.StateFollowedUp || st == workflow.StateArchived
	if v, ok := cells[FieldOutcome]; ok {
		o := n.m.Value(FieldOutcome, v.v)
		if o == "" && workflow.Outcome(Clean(v.v)).Valid() {
			o = Clean(v.v)
		}
		switch {
		case o == "" || !workflow.Outcome(o).Valid():
			r.Issues = append(r.Issues, n.unknown(row, FieldOutcome, v))
		case !ended:
			r.Issues = append(r.Issues, n.issue(row, FieldOutcome, v, CodeStateOutcome))
		default:
			c.Outcome = o
		}
	}
	created := c.CreatedAt
	resolved := created
	if v, ok := cells[FieldResolved]; ok {
		t, err := ParseDate(v.v)
		switch {
		case err != nil:
			r.Issues = append(r.Issues, n.issue(row, FieldResolved, v, CodeDateFormat))
		case t.After(n.now):
			r.Issues = append(r.Issues, n.issue(row, FieldResolved, v, CodeDateRange))
		case !created.IsZero() && t.UTC().Before(created):
			r.Issues = append(r.Issues, n.issue(row, FieldResolved, v, CodeResolvedBefore))
		default:
			resolved = t.UTC()
		}
	}
	c.UpdatedAt = created
	if st != workflow.StateRegistered && st != workflow.StateRejected {
		c.AcceptedAt = &created
	}
	switch {
	case ended:
		c.ResolvedAt = &resolved
		c.UpdatedAt = resolved
		if st == workflow.StateArchived {
			c.ClosedAt = &resolved
		}
	case st == workflow.StateRejected:
		c.ClosedAt = &created
	case st == workflow.StateInProgress:
		c.AtCentre = true // no department's assignment is known: the centre holds it
	}
}

// ImportableState reports whether a case may be imported in the state s.
func ImportableState(s string) bool { return importableState(workflow.State(s)) }

// ValidOutcome reports whether o is an outcome's code.
func ValidOutcome(o string) bool { return workflow.Outcome(o).Valid() }

// importableState reports whether a case may arrive in state s: not assigned (no
// department's assignment is known), merged (no case to join) or suspended.
func importableState(s workflow.State) bool {
	switch s {
	case workflow.StateRegistered, workflow.StateAccepted, workflow.StateInProgress, workflow.StateResolved,
		workflow.StateVerified, workflow.StateFollowedUp, workflow.StateArchived, workflow.StateRejected:
		return true
	}
	return false
}

// addParties reads the parties of a row: one from the party columns, and a second
// when two columns hold names (申请人, 被申请人). The first party of a case is its
// applicant unless the row says otherwise; a further one its respondent.
func (n *normaliser) addParties(r *Record, row int, cells map[Field]cell, continuation bool) {
	for _, suffix := range []Field{"", "#2"} {
		name, hasName := cells[FieldPartyName+suffix]
		idn, hasID := cells[FieldIDNumber+suffix]
		if !hasName && !hasID {
			continue
		}
		p := model.Party{Role: model.PartyApplicant}
		if continuation || suffix != "" || len(r.Case.Parties) > 0 {
			p.Role = model.PartyRespondent
		}
		if hasName {
			p.Name = Clean(name.v)
			if utf8.RuneCountInString(p.Name) > 50 {
				r.Issues = append(r.Issues, n.issue(row, FieldPartyName, name, CodeTooLong))
			}
		} else {
			r.Issues = append(r.Issues, Issue{Row: row, Field: FieldPartyName, Code: CodeEmpty})
		}
		if v, ok := cells[FieldPartyRole+suffix]; ok {
			role := n.m.Value(FieldPartyRole, v.v)
			if role == "" && model.PartyRole(Clean(v.v)).Valid() {
				role = Clean(v.v)
			}
			if !model.PartyRole(role).Valid() || model.PartyRole(role).ActsForAnother() {
				r.Issues = append(r.Issues, n.unknown(row, FieldPartyRole, v))
			} else {
				p.Role = model.PartyRole(role)
			}
		}
		if hasID {
			id, err := ParseIDNumber(idn.v, n.now)
			if err != nil {
				r.Issues = append(r.Issues, n.issue(row, FieldIDNumber, idn, errCode(err)))
			}
			p.IDNumber = id
		}
		if v, ok := cells[FieldPhone+suffix]; ok {
			ph, err := model.NormalizePhone(v.v)
			if err != nil {
				r.Issues = append(r.Issues, n.issue(row, FieldPhone, v, errCode(err)))
			}
			p.Phone = ph
		}
		if v, ok := cells[FieldPartyAddress+suffix]; ok {
			p.Address = strings.TrimSpace(v.v)
		}
		r.Case.Parties = append(r.Case.Parties, p)
	}
}

// errCode is a model.FieldError's code, or the generic format code.
func errCode(err error) string {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.Code
	}
	return "format"
}
