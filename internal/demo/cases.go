package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// templates give each kind a few realistic descriptions; %s are filled with names,
// places and amounts.
var templates = map[model.CaseKind][]string{
	model.KindDispute: {
		"%s反映与邻居%s因宅基地界址发生争执，双方多次争吵，请求调解。",
		"%s称在%s务工期间被拖欠工资%d元，多次讨要未果。",
		"%s反映丈夫%s酒后多次殴打自己，请求帮助。",
		"%s与%s因土地承包经营权流转费用发生纠纷，涉及金额%d元。",
		"%s称%s饲养的牛羊多次毁坏其庄稼，协商赔偿未果。",
		"%s与%s因宅基地纠纷调解未果，情绪激动，扬言要与对方同归于尽。",
		"%s等多名工人称在%s务工被拖欠工资%d元，多次讨薪未果，扬言要去跳楼。",
		"%s反映长期遭受丈夫%s家暴，前日被打伤住院。",
	},
	model.KindPetition: {
		"%s反映%s征地补偿款%d元至今未足额发放。",
		"%s对%s作出的低保资格认定有异议，申请复查。",
		"%s建议在%s村口路段增设减速带和警示标志。",
	},
	model.KindHazard: {
		"%s报告%s附近一处老旧民房墙体开裂，存在倒塌风险。",
		"%s反映%s小卖部违规存放液化气罐。",
		"%s发现%s河道护栏缺损，学生上下学存在安全隐患。",
	},
	model.KindService: {
		"%s咨询%s工伤认定申请流程及所需材料。",
		"%s因家中变故生活困难，申请临时救助，家住%s。",
		"%s请求为其在%s上学的孩子提供心理疏导。",
	},
}

var places = []string{"工地", "砖厂", "养殖场", "村委会", "镇政府", "合作社", "学校", "集市", "加工厂", "卫生院"}

// genBatch is how many cases go to the database in one BulkLoadHistory call, and so
// one transaction: memory holds two batches. On SQLite a commit writes every index
// page the batch touched, twice (WAL, then checkpoint), and with keys as scattered as
// tracking codes, phones, ID numbers and addresses a batch touches most of those
// indexes' pages once there are some hundred thousand cases; so SQLite gets large
// batches, which pay that less often (`onedoor demo -cases 1000000` logs its rate).
// PostgreSQL logs each row instead, and batch size matters little.
// Both are multiples of mergePool.
func genBatch(d store.Dialect) int {
	if d == store.SQLite {
		return 50000
	}
	return 10000
}

// mergePool is how many cases, counted from the first, make one pool of cases a
// merged case may have joined: an earlier one of its pool, which is in its batch (so
// the loader writes both, and the target's timeline gets its merged_in event in
// place). Every batch size is a multiple of it, so a seed gives the same histories on
// both stores.
const mergePool = 10000

// GenerateCases adds n cases to a database that already holds an organisation: spread
// over its villages and grids, categories, channels, urgencies and the last three
// years, each with parties carrying valid ID numbers and phones, and with the history
// its state implies: the timeline of events from its registration on, the
// departments it was assigned to, and the case's own record of it (accepted_at,
// resolved_at, outcome, satisfaction, ...), by the organisation's own users. It is
// deterministic for a seed. Used by benchmarks and `onedoor demo`.
//
// It writes through Store.BulkLoadHistory, batch by batch, so it must own the
// database while it runs: never point it at a database a live server is registering
// cases in. One goroutine makes the cases, in order, while another writes the
// previous batch.
func GenerateCases(ctx context.Context, st *store.Store, n int, seed uint64) error {
	return generate(ctx, st, n, seed, false)
}

// GenerateOpenCases is GenerateCases with every case registered in the last 60 days
// and still open: the load a backlogged deployment carries, for the deadline-sweep
// benchmark ("1M open cases").
func GenerateOpenCases(ctx context.Context, st *store.Store, n int, seed uint64) error {
	return generate(ctx, st, n, seed, true)
}

// genBatchOf is one batch: cases and their timelines.
type genBatchOf struct {
	cases  []model.Case
	events [][]model.CaseEvent
}

func generate(ctx context.Context, st *store.Store, n int, seed uint64, allOpen bool) error {
	g, err := newGenerator(ctx, st, seed)
	if err != nil {
		return err
	}
	g.allOpen = allOpen
	g.regulars = newRegulars(seed)
	// The cases' and assignments' ids: events name them (a merge its target, a
	// department's step its assignment), so the generator numbers the rows itself.
	if g.nextCase, g.nextAssignment, err = st.BulkNextIDs(ctx); err != nil {
		return err
	}
	first := g.nextCase
	// Tracking codes number the cases on from the ids they get, past every case there
	// is, so a second run, even with the same seed, never repeats a code.
	next := uint64(first)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan genBatchOf)
	loaded := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = st.BulkLoadHistory(ctx, b.cases, b.events); err != nil {
					cancel() // stop the maker; keep draining until it sees it
				}
			}
		}
		loaded <- err
	}()
	for made := 0; made < n && ctx.Err() == nil; {
		size := min(genBatch(st.Dialect()), n-made)
		b := genBatchOf{cases: make([]model.Case, size), events: make([][]model.CaseEvent, size)}
		g.arena = make([]model.CaseEvent, 0, size*8)
		for i := range b.cases {
			if i == 0 || (made+i)%mergePool == 0 {
				for c := range g.pool {
					g.pool[c] = g.pool[c][:0]
				}
			}
			g.fill(&b.cases[i], next)
			next++
			g.live(b, i)
		}
		select {
		case batches <- b:
		case <-ctx.Done():
		}
		made += len(b.cases)
	}
	close(batches)
	if err := <-loaded; err != nil {
		return fmt.Errorf("demo cases: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The bulk load writes no search index; the new cases are indexed as a whole.
	if _, err := st.ReindexFrom(ctx, first, nil); err != nil {
		return err
	}
	return st.Analyze(ctx)
}

// generator makes cases one after another from its random source.
type generator struct {
	allOpen  bool // only recent, open cases
	rng      *rand.Rand
	codes    codeMaker
	now      time.Time
	places   []model.Region // where cases happen: villages and grids
	centreOf map[int64]int64
	byKind   map[model.CaseKind][]model.Category
	users    []model.User
	rules    risk.Rules
	warnNote string // the explanation of the warning warn gave the last case, "" for none
	regulars *regulars

	lives // what histories are made of
}

func newGenerator(ctx context.Context, st *store.Store, seed uint64) (*generator, error) {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), codes: newCodeMaker(seed),
		now: time.Now().UTC(), centreOf: map[int64]int64{}, byKind: map[model.CaseKind][]model.Category{}, rules: risk.DefaultRules()}
	regions, err := st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if r.Level == model.LevelVillage || r.Level == model.LevelGrid {
			g.places = append(g.places, r)
		}
	}
	// The township's centre holds a village's cases, and its grids'.
	for _, r := range regions {
		g.centreOf[r.ID] = r.ParentID
	}
	for _, r := range g.places {
		if r.Level == model.LevelGrid {
			g.centreOf[r.ID] = g.centreOf[r.ParentID]
		}
	}
	if len(g.places) == 0 {
		return nil, fmt.Errorf("demo cases: no villages or grids to place cases in")
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		g.byKind[c.Kind] = append(g.byKind[c.Kind], c)
	}
	for _, k := range kinds {
		if len(g.byKind[k]) == 0 {
			return nil, fmt.Errorf("demo cases: no active category of kind %s", k)
		}
	}
	g.users, err = st.Users(ctx, store.UserFilter{Role: model.RoleClerk})
	if err != nil || len(g.users) == 0 {
		return nil, fmt.Errorf("demo cases: need a clerk to register cases: %v", err)
	}
	// Cases happen where a centre has staff to register and handle them: the demo
	// county has all of 康乐县's townships and villages, but staff in three.
	staffed := map[int64]bool{}
	for _, u := range g.users {
		staffed[u.RegionID] = true
	}
	var atStaffed []model.Region
	for _, r := range g.places {
		if staffed[g.centreOf[r.ID]] {
			atStaffed = append(atStaffed, r)
		}
	}
	if len(atStaffed) > 0 {
		g.places = atStaffed
	}
	if err := g.lives.init(ctx, st, seed, regions, g.places, g.centreOf); err != nil {
		return nil, err
	}
	return g, nil
}

var (
	kinds     = []model.CaseKind{model.KindDispute, model.KindDispute, model.KindDispute, model.KindPetition, model.KindHazard, model.KindService}
	channels  = []model.Channel{model.ChannelWalkIn, model.ChannelWalkIn, model.ChannelPhone, model.ChannelPortal, model.ChannelPhoto, model.ChannelGrid, model.ChannelHotline}
	urgencies = []string{"normal", "normal", "normal", "normal", "urgent", "critical"}
	// Recent cases are spread over the open states; older ones are mostly closed, as in
	// a centre that keeps up with its work.
	openStates   = []string{"registered", "accepted", "assigned", "in_progress", "in_progress", "resolved", "verified", "followed_up", "suspended"}
	closedStates = []string{"archived", "archived", "archived", "archived", "archived", "archived", "rejected", "merged"}
)

// fill makes the case numbered num (which picks its tracking code).
func (g *generator) fill(c *model.Case, num uint64) {
	rng := g.rng
	kind := kinds[rng.IntN(len(kinds))]
	cat := g.byKind[kind][rng.IntN(len(g.byKind[kind]))]
	place := g.places[rng.IntN(len(g.places))]
	span := 3 * 365 * 24 * time.Hour
	if g.allOpen {
		span = 60 * 24 * time.Hour
	}
	created := g.now.Add(-time.Duration(rng.Int64N(int64(span))))
	applicant, respondent := personName(rng), personName(rng)
	amount := int64(rng.IntN(200)) * 500
	tpl := templates[kind][rng.IntN(len(templates[kind]))]
	desc := fillTemplate(tpl, applicant, respondent+places[rng.IntN(len(places))], amount)
	state := closedStates[rng.IntN(len(closedStates))]
	if g.allOpen || rng.IntN(1000) < openPerMille(g.now.Sub(created)) {
		state = openStates[rng.IntN(len(openStates))]
	}
	due := created.AddDate(0, 0, 30)
	*c = model.Case{TrackingCode: g.codes.code(num), Kind: kind, CategoryID: cat.ID, CategoryCode: cat.Code,
		Channel: channels[rng.IntN(len(channels))], RegionID: place.ID, RegionPath: place.Path, CentreID: g.centreOf[place.ID],
		Address: fmt.Sprintf("%s%d组%d号", place.Name, 1+rng.IntN(9), 1+rng.IntN(80)), Title: cases.TitleFrom(desc),
		Description: desc, Urgency: urgencies[rng.IntN(len(urgencies))], PeopleCount: 1 + rng.IntN(3),
		AmountFen: amount * 100, State: state, RegisteredBy: g.users[rng.IntN(len(g.users))].ID,
		CreatedAt: created, UpdatedAt: created, DueStage: "handle", DueAt: &due}
	if place.Level == model.LevelGrid {
		c.GridID = place.ID
	}
	switch {
	case state == "archived" || state == "rejected" || state == "merged" || state == "followed_up":
		c.DueStage, c.DueAt = "", nil
		if state != "followed_up" {
			c.ClosedAt = &due
		}
	case state == "suspended":
		c.DueFlag = "paused" // a suspended case's clock stands still
	case due.Before(g.now):
		// History arrives as the deadline sweep left it, so the first sweep over
		// generated data does only what a sweep of a live system does.
		c.DueFlag = "overdue"
	case due.Before(g.now.Add(48 * time.Hour)):
		c.DueFlag = "due_soon"
	}
	birth := time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	c.Parties = []model.Party{
		{Role: model.PartyApplicant, Name: applicant, IDNumber: model.MakeIDNumber(CountyCode, birth, rng.IntN(1000)), Phone: phone(rng),
			SevereMentalIllness: rng.IntN(200) == 0},
		{Role: model.PartyRespondent, Name: respondent, Phone: phone(rng)},
	}
	if g.regulars != nil {
		g.regulars.visit(c)
	}
	c.Injured = rng.IntN(25) == 0
	g.warn(c)
}

// openPerMille is how likely a case of that age is still open, per thousand: a centre
// closes most cases within their 30-day limit, some run late, a few linger for years.
// (With every case of the last 60 days open, a quarter of the open cases were
// overdue, and the first supervision sweep over them issued tens of thousands of
// orders.)
func openPerMille(age time.Duration) int {
	switch days := age.Hours() / 24; {
	case days < 15:
		return 1000
	case days < 30:
		return 700
	case days < 60:
		return 80
	default:
		return 2
	}
}

// warn gives an open case the warning the default rules give its own facts (history
// across generated cases is left out), as if the centre had responded on the day.
func (g *generator) warn(c *model.Case) {
	c.RiskLevel, c.RiskComputed = risk.LevelNone.String(), risk.LevelNone.String()
	g.warnNote = ""
	if c.ClosedAt != nil || c.State == "followed_up" {
		return
	}
	in := risk.Input{Kind: c.Kind, CategoryCode: c.CategoryCode, Title: c.Title, Description: c.Description,
		People: c.PeopleCount, AmountFen: c.AmountFen, Injured: c.Injured, SevereMentalIllness: c.Parties[0].SevereMentalIllness}
	res := risk.Assess(g.rules, in)
	if res.Level == risk.LevelNone {
		return
	}
	raw, _ := json.Marshal(res)
	g.warnNote = res.Explain()
	since, responded := c.CreatedAt, c.CreatedAt.Add(2*time.Hour)
	c.RiskLevel, c.RiskComputed, c.RiskScore, c.RiskResult, c.RiskSince = res.Level.String(), res.Level.String(), res.Score, raw, &since
	c.RiskQuietSince = &since
	if res.Level >= risk.LevelOrange {
		c.RiskRespondedAt = &responded
	}
	if res.Level == risk.LevelRed {
		// Under supervision as a live system leaves it: the last order answered some
		// time in the past week (never before the warning), so reports come due
		// spread over the days rather than all at once.
		reported := g.now.Add(-time.Duration(g.rng.Int64N(int64(7 * 24 * time.Hour))))
		if reported.Before(since) {
			reported = since
		}
		c.RiskReportAt = &reported
	}
}

func personName(rng *rand.Rand) string {
	return surnames[rng.IntN(len(surnames))] + givenNames[rng.IntN(len(givenNames))]
}

func phone(rng *rand.Rand) string {
	prefixes := []string{"138", "139", "150", "158", "177", "186", "189", "133"}
	return fmt.Sprintf("%s%08d", prefixes[rng.IntN(len(prefixes))], rng.IntN(100000000))
}

// trackingAlphabet is the tracking codes' alphabet, as in package cases.
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeHalf is 30⁶: a 12-character code is two halves of six base-30 digits.
const codeHalf = 30 * 30 * 30 * 30 * 30 * 30

// codeMaker turns case numbers into tracking codes that look random but never repeat:
// a Feistel network keyed by the seed permutes the pairs of halves, so distinct
// numbers (below 30¹²) give distinct codes, with no set of codes seen to keep.
type codeMaker struct{ keys [6]uint64 }

func newCodeMaker(seed uint64) codeMaker {
	var m codeMaker
	x := seed
	for i := range m.keys {
		x += 0x9e3779b97f4a7c15
		m.keys[i] = mix64(x)
	}
	return m
}

func (m *codeMaker) code(num uint64) string {
	l, r := num/codeHalf%codeHalf, num%codeHalf
	for _, k := range m.keys {
		l, r = r, (l+mix64(r^k)%codeHalf)%codeHalf
	}
	var b [12]byte
	for i := 5; i >= 0; i-- {
		b[i], b[6+i] = trackingAlphabet[l%30], trackingAlphabet[r%30]
		l, r = l/30, r/30
	}
	return string(b[:])
}

// mix64 is SplitMix64's finaliser: every input bit moves every output bit.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// fillTemplate fills a template's verbs in order: names and places as %s, amounts as %d.
func fillTemplate(tpl, a, b string, amount int64) string {
	args := []any{}
	for i := 0; i+1 < len(tpl); i++ {
		if tpl[i] == '%' {
			switch tpl[i+1] {
			case 's':
				if len(args) == 0 {
					args = append(args, a)
				} else {
					args = append(args, b)
				}
			case 'd':
				args = append(args, amount)
			}
		}
	}
	return fmt.Sprintf(tpl, args...)
}

// Histories. A generated case went through what its state implies, as the workflow
// (internal/workflow) would have taken it there and as internal/cases records each
// step: registered (with the warning its facts gave, if any) → accepted → assigned to
// a lead department, now and then with a co-handler (or handled at the centre) →
// signed for → resolved with an outcome → verified → visited → archived; or rejected,
// or merged into an earlier case, or suspended on the way. Each step is an event by
// one of the organisation's users who may take it (the centre's clerk, the
// department's handler, the centre's mediator, a grid worker), or by nobody when the
// organisation has no such user; the case's own record of the steps (accepted_at,
// resolved_at, closed_at, outcome, satisfaction, at_centre, suspended_from,
// merged_into) and its assignments agree with the events. Histories draw on a random
// stream of their own, so a seed still gives the cases it gave before they had any.

const day = 24 * time.Hour

// lives holds what the generator makes histories of.
type lives struct {
	hist                     *rand.Rand
	cal                      *workflow.Calendar
	nextCase, nextAssignment int64 // the ids the next case and assignment take

	clerks, mediators map[int64][]int64    // by centre, its users of the role
	leaders           map[int64][]int64    // by centre
	leaderJSON        map[int64][]byte     // by user: the leader's name as a JSON string
	grids             map[int64][]int64    // by place: the grid workers whose region covers it
	handlers          map[int64][]int64    // by department
	reach             map[int64][]int64    // by centre: the departments it may assign to (as cases.Service.department checks)
	routes            map[[2]int64][]int64 // by centre and category: the departments such a case usually goes to, likeliest first
	deptCode          map[int64]string
	deptDepth         map[int64]int    // how deep its region lies in the tree
	deptJSON          map[int64][]byte // the department's name as a JSON string
	catJSON           map[int64][]byte // the category's code as a JSON string

	pool  map[int64][]int   // by centre: the cases of the merge pool made so far, by index in the batch
	arena []model.CaseEvent // the batch's events
	p     plan              // the history being made
}

// plan is a case's history while it is made: its steps, timed once all are known.
type plan struct {
	steps           []step
	state           workflow.State // after the last step
	asg             []asgSteps     // the steps of each of the case's assignments
	accept, resolve int            // the steps that set accepted_at and resolved_at; -1 for none
	respond         int            // the step that responded to the warning; -1 for none
	target          int            // the index in the batch of the case it was merged into; -1 for none
}

// step is one event to be.
type step struct {
	gap      time.Duration // after the step before
	at       time.Time
	actor    int64
	action   workflow.Action
	from, to workflow.State
	note     string
	payload  []byte
}

// asgSteps are the steps that assigned an assignment, and signed and reported it (-1: not yet).
type asgSteps struct{ assigned, signed, reported int }

// add plans a step gap after the one before, taking the case to state to
// (workflow.Unchanged: where it is), and returns its index.
func (p *plan) add(gap time.Duration, actor int64, a workflow.Action, to workflow.State, note string, payload []byte) int {
	if to == workflow.Unchanged {
		to = p.state
	}
	p.steps = append(p.steps, step{gap: gap, actor: actor, action: a, from: p.state, to: to, note: note, payload: payload})
	p.state = to
	return len(p.steps) - 1
}

// total is how long after the registration the last step comes.
func (p *plan) total() time.Duration {
	var d time.Duration
	for _, s := range p.steps {
		d += s.gap
	}
	return d
}

func (l *lives) init(ctx context.Context, st *store.Store, seed uint64, regions, places []model.Region, centreOf map[int64]int64) error {
	*l = lives{hist: rand.New(rand.NewPCG(mix64(seed^0x5851f42d4c957f2d), mix64(seed+0x14057b7ef767814f))), cal: workflow.DefaultCalendar(),
		clerks: map[int64][]int64{}, mediators: map[int64][]int64{}, leaders: map[int64][]int64{}, leaderJSON: map[int64][]byte{}, grids: map[int64][]int64{}, handlers: map[int64][]int64{},
		reach: map[int64][]int64{}, routes: map[[2]int64][]int64{}, deptCode: map[int64]string{}, deptDepth: map[int64]int{},
		deptJSON: map[int64][]byte{}, catJSON: map[int64][]byte{}, pool: map[int64][]int{}}
	paths := map[int64]string{}
	for _, r := range regions {
		paths[r.ID] = r.Path
	}
	users, err := st.Users(ctx, store.UserFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	for _, u := range users {
		for _, r := range u.Roles {
			switch r {
			case model.RoleClerk:
				l.clerks[u.RegionID] = append(l.clerks[u.RegionID], u.ID)
			case model.RoleMediator:
				l.mediators[u.RegionID] = append(l.mediators[u.RegionID], u.ID)
			case model.RoleLeader:
				l.leaders[u.RegionID] = append(l.leaders[u.RegionID], u.ID)
				l.leaderJSON[u.ID], _ = json.Marshal(u.DisplayName)
			case model.RoleHandler:
				if u.DepartmentID != 0 {
					l.handlers[u.DepartmentID] = append(l.handlers[u.DepartmentID], u.ID)
				}
			case model.RoleGrid:
				for _, pl := range places {
					if up := paths[u.RegionID]; up != "" && strings.HasPrefix(pl.Path, up) {
						l.grids[pl.ID] = append(l.grids[pl.ID], u.ID)
					}
				}
			}
		}
	}
	depts, err := st.Departments(ctx, store.DepartmentFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	centres := map[int64]bool{}
	for _, pl := range places {
		centres[centreOf[pl.ID]] = true
	}
	for _, d := range depts {
		dp := paths[d.RegionID]
		if dp == "" {
			continue // in an inactive region
		}
		name, _ := json.Marshal(d.Name)
		l.deptCode[d.ID], l.deptDepth[d.ID], l.deptJSON[d.ID] = d.Code, strings.Count(dp, "/"), name
		for _, pl := range places { // in the order of the places, so that reach lists are the same every run
			centre := centreOf[pl.ID]
			cp := paths[centre]
			if !centres[centre] || cp == "" || !(strings.HasPrefix(cp, dp) || strings.HasPrefix(dp, cp)) || slices.Contains(l.reach[centre], d.ID) {
				continue
			}
			l.reach[centre] = append(l.reach[centre], d.ID)
		}
	}
	return nil
}

// departmentsFor are the departments (by code, as the demo county names them) a
// case of a category usually goes to, likeliest first; the first entry whose prefix
// the category's code starts with applies.
var departmentsFor = []struct {
	prefix string
	codes  []string
}{
	{"dispute.labour", []string{"hrss", "labour-office", "justice-office"}},
	{"dispute.marriage.dv", []string{"police-station", "justice-office", "civil"}},
	{"dispute.marriage", []string{"justice-office", "tribunal", "civil"}},
	{"dispute.neighbour", []string{"justice-office", "police-station"}},
	{"dispute.housing", []string{"justice-office", "resources", "tribunal"}},
	{"dispute.contract", []string{"tribunal", "justice-office", "market"}},
	{"dispute.business", []string{"market", "tribunal"}},
	{"dispute.damages", []string{"justice-office", "tribunal", "police-station"}},
	{"dispute.land", []string{"resources", "justice-office", "agriculture"}},
	{"dispute.expropriation", []string{"resources", "petition", "justice-office"}},
	{"dispute.pollution", []string{"ecology", "justice-office"}},
	{"dispute.consumer", []string{"market"}},
	{"dispute.medical", []string{"health", "justice-office"}},
	{"dispute.traffic", []string{"police", "tribunal", "justice-office"}},
	{"dispute.property", []string{"housing", "justice-office"}},
	{"dispute.village", []string{"justice-office", "agriculture", "civil"}},
	{"dispute", []string{"justice-office", "tribunal"}},
	{"petition.advice", []string{"petition", "housing"}},
	{"petition.report", []string{"petition", "procuratorate", "police"}},
	{"petition.claim", []string{"petition", "civil", "hrss", "resources"}},
	{"petition", []string{"petition"}},
	{"hazard.security", []string{"police-station", "police"}},
	{"hazard.fire", []string{"police-station", "housing"}},
	{"hazard.traffic", []string{"police", "housing"}},
	{"hazard.production", []string{"market", "housing"}},
	{"hazard.food", []string{"market", "health"}},
	{"hazard", []string{"housing", "police-station"}},
	{"service.legal_aid", []string{"justice-office", "justice"}},
	{"service.counselling", []string{"health", "civil"}},
	{"service.hardship", []string{"civil"}},
	{"service.relief", []string{"civil"}},
	{"service.policy", []string{"hrss", "civil"}},
	{"service", []string{"civil", "justice-office"}},
}

// route lists the departments within the case's centre's reach that a case of its
// category usually goes to, likeliest first: by the codes of departmentsFor, each
// code's department nearest the centre first.
func (l *lives) route(c *model.Case) []int64 {
	key := [2]int64{c.CentreID, c.CategoryID}
	if r, ok := l.routes[key]; ok {
		return r
	}
	var codes []string
	for _, d := range departmentsFor {
		if c.CategoryCode == d.prefix || strings.HasPrefix(c.CategoryCode, d.prefix+".") {
			codes = d.codes
			break
		}
	}
	r := []int64{}
	for _, code := range codes {
		from := len(r)
		for _, d := range l.reach[c.CentreID] {
			if l.deptCode[d] == code {
				r = append(r, d)
			}
		}
		slices.SortStableFunc(r[from:], func(a, b int64) int { return l.deptDepth[b] - l.deptDepth[a] })
	}
	l.routes[key] = r
	return r
}

// Shares of the ways a case goes, in percent.
const (
	returnedPercent  = 10 // of accepted cases: routed once, and sent back by the department
	coHandledPercent = 15 // of routed cases: a second department called in (吹哨)
	roundTripPercent = 6  // of cases in progress: resolved once already, and sent back
	satisfiedPercent = 75 // of visits that closed the case: 满意 rather than 基本满意
	mergedAccepted   = 50 // of merged cases: accepted before they were merged
)

// atCentrePercent is how many of a kind's cases the centre handles itself.
var atCentrePercent = map[model.CaseKind]int{model.KindDispute: 35, model.KindPetition: 10, model.KindHazard: 5, model.KindService: 40}

var suspendable = []workflow.State{workflow.StateAccepted, workflow.StateAssigned, workflow.StateInProgress}

var outcomesByKind = map[model.CaseKind][]workflow.Outcome{
	model.KindDispute: {workflow.OutcomeMediatedAgreement, workflow.OutcomeMediatedAgreement, workflow.OutcomeMediatedAgreement,
		workflow.OutcomeMediatedAgreement, workflow.OutcomeMediatedOral, workflow.OutcomeMediatedOral, workflow.OutcomeMediatedOral,
		workflow.OutcomeToLitigation, workflow.OutcomeExplained, workflow.OutcomeWithdrawn},
	model.KindPetition: {workflow.OutcomeSupported, workflow.OutcomeSupported, workflow.OutcomeSupported, workflow.OutcomeExplained,
		workflow.OutcomeExplained, workflow.OutcomeExplained, workflow.OutcomeExplained, workflow.OutcomeNotSupported,
		workflow.OutcomeNotSupported, workflow.OutcomeToReview},
	model.KindHazard:  {workflow.OutcomeRectified, workflow.OutcomeRectified, workflow.OutcomeRectified, workflow.OutcomeRectified, workflow.OutcomeExplained},
	model.KindService: {workflow.OutcomeDone, workflow.OutcomeDone, workflow.OutcomeDone, workflow.OutcomeExplained},
}

// outcomeNotes are what the resolver writes with each outcome.
var outcomeNotes = map[workflow.Outcome]string{
	workflow.OutcomeMediatedAgreement: "经调解，双方自愿达成书面调解协议，当场履行。",
	workflow.OutcomeMediatedOral:      "经调解，双方达成口头协议，已履行完毕。",
	workflow.OutcomeToLitigation:      "经多次调解未能达成一致，已引导当事人依法向人民法院起诉。",
	workflow.OutcomeToArbitration:     "调解未成，已告知当事人向劳动人事争议仲裁委员会申请仲裁。",
	workflow.OutcomeToReview:          "已告知当事人依法申请行政复议的途径和期限。",
	workflow.OutcomeSupported:         "经核查，反映情况属实，诉求合理，已协调有关单位予以解决。",
	workflow.OutcomeExplained:         "已向当事人做好政策解释和说明，当事人表示理解。",
	workflow.OutcomeNotSupported:      "经核查，诉求缺乏政策和法律依据，不予支持，已书面告知当事人。",
	workflow.OutcomeRectified:         "经现场复查，隐患已整改到位。",
	workflow.OutcomeDone:              "已按当事人请求办理完毕。",
	workflow.OutcomeWithdrawn:         "当事人自愿撤回申请。",
}

var (
	rejectReasons = []string{"反映事项不属于本中心受理范围，已告知当事人向有关部门反映。", "该事项已进入诉讼程序，依法不予受理，已告知当事人。",
		"反映事项已依法办结，当事人未提出新的事实和理由。", "反映内容不具体，经联系无法核实，已告知当事人补充材料后再行反映。"}
	returnReasons = []string{"该事项不属于本单位职责范围，请中心重新交办。", "当事人已向人民法院起诉，建议交人民法庭处理。",
		"事项涉及土地权属，建议交自然资源部门主办。"}
	warningResponses = []string{"已电话联系当事人，了解诉求，做好情绪疏导，安排专人跟进。", "已当面约谈双方，讲明政策，落实稳控措施。",
		"已通报属地派出所和村委会，落实包保责任，每日回访。", "已上门走访，了解家庭情况，联系相关部门协同处置。"}
	suspendReasons = []string{"当事人已向人民法院起诉，待判决后再行处理。", "需等待伤情鉴定结论。", "当事人外出务工，暂时无法联系。"}
	coReports      = []string{"已配合完成现场核查，情况已反馈主办单位。", "已提供相关政策依据和书面意见。", "已派员参加联合调解，本单位职责内事项已落实。"}
	verifyFails    = []string{"办理结果与当事人诉求不符，请继续办理。", "未附调解协议，请补充后重新办结。"}
	visitNotes     = map[workflow.Satisfaction]string{workflow.Satisfied: "电话回访，当事人对处理结果表示满意。",
		workflow.BasicallySatisfied: "上门回访，当事人表示基本满意。", workflow.Unsatisfied: "回访时当事人对处理结果不满意，案件重新办理。"}
)

func (g *generator) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.hist.Int64N(int64(hi-lo)))
}

func (g *generator) pick(ids []int64, none int64) int64 {
	if len(ids) == 0 {
		return none
	}
	return ids[g.hist.IntN(len(ids))]
}

func (g *generator) pickText(texts []string) string { return texts[g.hist.IntN(len(texts))] }

// live gives case i of the batch its id and its history, up to the state fill gave
// it, and files it in the merge pool.
func (g *generator) live(b genBatchOf, i int) {
	c := &b.cases[i]
	p := &g.p
	p.steps, p.asg, p.state, p.accept, p.resolve, p.target = p.steps[:0], p.asg[:0], workflow.StateNone, -1, -1, -1
	p.respond = -1
	c.ID = g.nextCase
	g.nextCase++
	clerk := g.pick(g.clerks[c.CentreID], c.RegisteredBy)
	p.add(0, c.RegisteredBy, workflow.ActionRegister, workflow.StateRegistered, "", g.registerPayload(c))
	if g.warnNote != "" {
		// Registering assessed the warning, and recorded it (by no one: the rules).
		p.add(0, 0, "warning", workflow.Unchanged, g.warnNote, warningPayload(c))
		if c.RiskRespondedAt != nil {
			p.respond = g.respond(c, clerk)
		}
	}
	switch state := workflow.State(c.State); state {
	case workflow.StateRegistered:
	case workflow.StateRejected:
		p.add(g.between(time.Hour, 5*day), clerk, workflow.ActionReject, workflow.StateRejected, g.pickText(rejectReasons), nil)
	case workflow.StateMerged:
		g.merge(b, i, clerk)
	default:
		upTo := state
		if state == workflow.StateSuspended {
			upTo = suspendable[g.hist.IntN(len(suspendable))]
			c.SuspendedFrom = string(upTo)
		}
		gap := g.between(10*time.Minute, day)
		if c.Kind == model.KindPetition {
			gap = g.between(time.Hour, 10*day) // 15 days to decide
		}
		p.accept = p.add(gap, clerk, workflow.ActionAccept, workflow.StateAccepted, "", nil)
		g.work(c, upTo, clerk)
		if state == workflow.StateSuspended {
			p.add(g.between(day, 10*day), clerk, workflow.ActionSuspend, workflow.StateSuspended, g.pickText(suspendReasons), nil)
		}
	}
	g.settle(b, i)
	if p.target >= 0 {
		g.mergedIn(b, p.target, c)
	}
	g.pool[c.CentreID] = append(g.pool[c.CentreID], i)
}

// respond is the response an orange or red warning demands, made within hours of
// registration: an orange one's by a clerk of the centre, a red one's by a leader of
// the centre, who names themself its 包案 leader (as warning_respond records it).
func (g *generator) respond(c *model.Case, clerk int64) int {
	actor, payload := clerk, []byte(nil)
	if c.RiskLevel == risk.LevelRed.String() {
		if leader := g.pick(g.leaders[c.CentreID], 0); leader != 0 {
			actor, c.RiskHolderID = leader, leader
			payload = append(append([]byte(`{"holder":`), g.leaderJSON[leader]...), `,"holder_id":`...)
			payload = append(strconv.AppendInt(payload, leader, 10), '}')
		}
	}
	return g.p.add(g.between(30*time.Minute, 4*time.Hour), actor, workflow.ActionWarningRespond, workflow.Unchanged,
		g.pickText(warningResponses), payload)
}

// work takes an accepted case on to state upTo.
func (g *generator) work(c *model.Case, upTo workflow.State, clerk int64) {
	p, rng := &g.p, g.hist
	if upTo == workflow.StateAccepted {
		if rng.IntN(100) < returnedPercent {
			if lead, ok := g.pickDepartment(c); ok {
				k := g.assignment(c, lead, true, p.add(g.between(5*time.Minute, 8*time.Hour), clerk, workflow.ActionAssign,
					workflow.StateAssigned, "", g.assignPayload(lead, 0)))
				c.Assignments[k].Status = model.AssignmentReturned
				p.add(g.between(2*time.Hour, 3*day), g.pick(g.handlers[lead], 0), workflow.ActionReturn, workflow.StateAccepted,
					g.pickText(returnReasons), assignmentPayload(&c.Assignments[k]))
			}
		}
		return
	}
	lead, routed := g.pickDepartment(c)
	var resolver int64
	co := -1 // the co-handler's assignment
	switch {
	case upTo != workflow.StateAssigned && (!routed || rng.IntN(100) < atCentrePercent[c.Kind]):
		c.AtCentre = true
		p.add(g.between(5*time.Minute, 8*time.Hour), clerk, workflow.ActionHandle, workflow.StateInProgress, "", nil)
		resolver = g.pick(g.mediators[c.CentreID], clerk)
	case !routed:
		// An organisation without departments: assigned in name only.
		p.add(g.between(5*time.Minute, 8*time.Hour), clerk, workflow.ActionAssign, workflow.StateAssigned, "", nil)
		return
	default:
		coDept, later := int64(0), false
		if rng.IntN(100) < coHandledPercent {
			coDept = g.pickCoDepartment(c, lead)
			later = coDept != 0 && upTo != workflow.StateAssigned && rng.IntN(3) == 0
		}
		withLead := coDept
		if later {
			withLead = 0
		}
		at := p.add(g.between(5*time.Minute, 8*time.Hour), clerk, workflow.ActionAssign, workflow.StateAssigned, "", g.assignPayload(lead, withLead))
		k := g.assignment(c, lead, true, at)
		if withLead != 0 {
			co = g.assignment(c, withLead, false, at)
		}
		if upTo == workflow.StateAssigned {
			if co >= 0 && rng.IntN(2) == 0 {
				g.coStep(c, co, workflow.ActionCoSign)
			}
			return
		}
		resolver = g.pick(g.handlers[lead], 0)
		p.asg[k].signed = p.add(g.between(30*time.Minute, 2*day), resolver, workflow.ActionSign, workflow.StateInProgress, "",
			assignmentPayload(&c.Assignments[k]))
		c.Assignments[k].Status = model.AssignmentSigned
		if later {
			co = g.assignment(c, coDept, false, p.add(g.between(day, 5*day), clerk, workflow.ActionCoAssign, workflow.Unchanged, "",
				g.coAssignPayload(coDept)))
		}
		if co >= 0 {
			done := 2 // signed and reported: a case is resolved only when every co-handler has reported
			if upTo == workflow.StateInProgress {
				done = rng.IntN(3)
			}
			if done >= 1 {
				g.coStep(c, co, workflow.ActionCoSign)
			}
			if done >= 2 {
				g.coStep(c, co, workflow.ActionCoReport)
			}
		}
	}
	if upTo == workflow.StateInProgress {
		if (co < 0 || c.Assignments[co].Status == model.AssignmentReported) && rng.IntN(100) < roundTripPercent {
			g.resolveStep(c, resolver)
			if rng.IntN(2) == 0 {
				p.add(g.between(time.Hour, 2*day), clerk, workflow.ActionVerifyFail, workflow.StateInProgress, g.pickText(verifyFails), nil)
			} else {
				p.add(g.between(time.Hour, 3*day), clerk, workflow.ActionVerify, workflow.StateVerified, "", nil)
				p.add(g.between(day, 7*day), g.visitor(c, clerk), workflow.ActionVisit, workflow.StateInProgress,
					visitNotes[workflow.Unsatisfied], []byte(`{"reopened":true,"satisfaction":"unsatisfied"}`))
				c.Satisfaction = string(workflow.Unsatisfied)
				c.Reopened++
			}
			c.Outcome, p.resolve = "", -1
			g.setLeadDone(c, false)
		}
		return
	}
	g.resolveStep(c, resolver)
	if upTo == workflow.StateResolved {
		return
	}
	p.add(g.between(time.Hour, 3*day), clerk, workflow.ActionVerify, workflow.StateVerified, "", nil)
	if upTo == workflow.StateVerified {
		return
	}
	sat := workflow.Satisfied
	if rng.IntN(100) >= satisfiedPercent {
		sat = workflow.BasicallySatisfied
	}
	c.Satisfaction = string(sat)
	p.add(g.between(day, 7*day), g.visitor(c, clerk), workflow.ActionVisit, workflow.StateFollowedUp, visitNotes[sat],
		[]byte(`{"satisfaction":"`+string(sat)+`"}`))
	if upTo == workflow.StateFollowedUp {
		return
	}
	p.add(g.between(time.Hour, 5*day), clerk, workflow.ActionArchive, workflow.StateArchived, "", nil)
}

// resolveStep resolves the case, with an outcome its kind has.
func (g *generator) resolveStep(c *model.Case, resolver int64) {
	outcomes := outcomesByKind[c.Kind]
	o := outcomes[g.hist.IntN(len(outcomes))]
	if o == workflow.OutcomeToLitigation && strings.HasPrefix(c.CategoryCode, "dispute.labour") {
		o = workflow.OutcomeToArbitration // a labour dispute goes to arbitration first
	}
	c.Outcome = string(o)
	g.p.resolve = g.p.add(g.between(day, 20*day), resolver, workflow.ActionResolve, workflow.StateResolved, outcomeNotes[o],
		[]byte(`{"outcome":"`+string(o)+`"}`))
	g.setLeadDone(c, true)
}

// setLeadDone is the service's: the lead's part is reported when it resolves the case,
// signed again when the case is reopened.
func (g *generator) setLeadDone(c *model.Case, done bool) {
	for k := range c.Assignments {
		as := &c.Assignments[k]
		if !as.IsLead || as.Status == model.AssignmentReturned {
			continue
		}
		switch {
		case done && as.Status == model.AssignmentSigned:
			as.Status, as.Report, g.p.asg[k].reported = model.AssignmentReported, outcomeNotes[workflow.Outcome(c.Outcome)], g.p.resolve
		case !done && as.Status == model.AssignmentReported:
			as.Status, as.Report, g.p.asg[k].reported = model.AssignmentSigned, "", -1
		}
	}
}

// coStep is a co-handling department's co_sign or co_report of assignment k.
func (g *generator) coStep(c *model.Case, k int, a workflow.Action) {
	as := &c.Assignments[k]
	actor := g.pick(g.handlers[as.DepartmentID], 0)
	if a == workflow.ActionCoSign {
		g.p.asg[k].signed = g.p.add(g.between(time.Hour, 3*day), actor, a, workflow.Unchanged, "", assignmentPayload(as))
		as.Status = model.AssignmentSigned
		return
	}
	as.Report = g.pickText(coReports)
	g.p.asg[k].reported = g.p.add(g.between(day, 10*day), actor, a, workflow.Unchanged, as.Report, assignmentPayload(as))
	as.Status = model.AssignmentReported
}

// assignment gives the case an assignment to department d, made by step at, and
// returns its index.
func (g *generator) assignment(c *model.Case, d int64, lead bool, at int) int {
	c.Assignments = append(c.Assignments, model.Assignment{ID: g.nextAssignment, DepartmentID: d, IsLead: lead, Status: model.AssignmentAssigned})
	g.nextAssignment++
	g.p.asg = append(g.p.asg, asgSteps{assigned: at, signed: -1, reported: -1})
	return len(c.Assignments) - 1
}

// pickDepartment chooses the lead department: mostly the one such cases go to,
// sometimes another likely one, now and then any the centre may assign to.
func (g *generator) pickDepartment(c *model.Case) (int64, bool) {
	reach := g.reach[c.CentreID]
	if len(reach) == 0 {
		return 0, false
	}
	route := g.route(c)
	switch r := g.hist.IntN(100); {
	case len(route) > 0 && r < 65:
		return route[0], true
	case len(route) > 1 && r < 90:
		return route[1+g.hist.IntN(len(route)-1)], true
	}
	return reach[g.hist.IntN(len(reach))], true
}

// pickCoDepartment chooses a co-handler other than lead, 0 for none.
func (g *generator) pickCoDepartment(c *model.Case, lead int64) int64 {
	route, reach := g.route(c), g.reach[c.CentreID]
	for try := 0; try < 4; try++ {
		d := reach[g.hist.IntN(len(reach))]
		if try < 2 && len(route) > 1 {
			d = route[g.hist.IntN(len(route))]
		}
		if d != lead {
			return d
		}
	}
	return 0
}

// visitor is who makes the return visit: a grid worker of the place, or the clerk.
func (g *generator) visitor(c *model.Case, clerk int64) int64 {
	if grids := g.grids[c.RegionID]; len(grids) > 0 && g.hist.IntN(2) == 0 {
		return g.pick(grids, clerk)
	}
	return clerk
}

// merge plans a merged case: it joined an earlier case of its centre that was open
// within 15 days of its registration, the nearest in its merge pool; it was merged
// when both were there, some hours to days on. A case with no such case before it
// in its pool (the first few of each pool) was merged into none the loader knows of.
func (g *generator) merge(b genBatchOf, i int, clerk int64) {
	c, p := &b.cases[i], &g.p
	created := c.CreatedAt
	at := created.Add(g.between(time.Hour, 5*day))
	pool := g.pool[c.CentreID]
	for k := len(pool) - 1; k >= 0 && k >= len(pool)-400; k-- {
		t := &b.cases[pool[k]]
		if t.State == string(workflow.StateMerged) || t.State == string(workflow.StateRejected) {
			continue
		}
		end := g.now
		if t.ClosedAt != nil {
			end = *t.ClosedAt
		}
		lo := later(created, t.CreatedAt).Add(10 * time.Minute)
		hi := earlier(earlier(created.Add(15*day), end), g.now).Add(-time.Minute)
		if lo.Before(hi) {
			at = lo.Add(time.Duration(g.hist.Int64N(int64(min(hi.Sub(lo), 3*day)))))
			p.target, c.MergedInto = pool[k], t.ID
			break
		}
	}
	if g.hist.IntN(100) < mergedAccepted {
		p.accept = p.add(time.Duration(float64(at.Sub(created))*(0.1+0.5*g.hist.Float64())), clerk, workflow.ActionAccept,
			workflow.StateAccepted, "", nil)
	}
	var payload []byte
	if p.target >= 0 {
		t := &b.cases[p.target]
		payload = strconv.AppendInt([]byte(`{"merge_into":`), t.ID, 10)
		payload = append(append(append(payload, `,"merge_into_code":"`...), t.TrackingCode...), `"}`...)
	}
	p.add(at.Sub(created)-p.total(), clerk, workflow.ActionMerge, workflow.StateMerged, "同一事项重复反映，并入在先案件办理。", payload)
}

// mergedIn records on the timeline of case j of the batch that c joined it, as a
// merge does: at c's merge, in its place among j's events.
func (g *generator) mergedIn(b genBatchOf, j int, c *model.Case) {
	t, evs := &b.cases[j], b.events[j]
	at := *c.ClosedAt
	pos := len(evs)
	for pos > 1 && evs[pos-1].At.After(at) {
		pos--
	}
	state := evs[pos-1].ToState
	ev := model.CaseEvent{ActorID: g.p.steps[len(g.p.steps)-1].actor, At: at, Action: "merged_in", FromState: state, ToState: state,
		Note: fmt.Sprintf("重复反映并入：案件 %d", c.ID), Payload: strconv.AppendInt([]byte(`{"merged_case_id":`), c.ID, 10)}
	ev.Payload = append(ev.Payload, '}')
	b.events[j] = slices.Insert(evs, pos, ev) // evs ends at its capacity: this copies, and leaves the next case's alone
	if t.UpdatedAt.Before(at) {
		t.UpdatedAt = at
	}
}

// settle times the plan's steps, as planned or, when that would end after now,
// squeezed into the time since the registration (a recent case went faster); writes
// them as the case's events; and sets what they changed on the case and its
// assignments.
func (g *generator) settle(b genBatchOf, i int) {
	c, p := &b.cases[i], &g.p
	scale := 1.0
	if total, since := p.total(), g.now.Sub(c.CreatedAt); total > since {
		scale = float64(max(since, 0)) / float64(total)
	}
	at, start := c.CreatedAt, len(g.arena)
	for k := range p.steps {
		s := &p.steps[k]
		at = at.Add(time.Duration(float64(s.gap) * scale))
		s.at = at
		payload := s.payload
		if s.action == workflow.ActionSuspend {
			payload = append(append([]byte(`{"suspended_at":"`), at.UTC().Format(time.RFC3339Nano)...), `"}`...)
		}
		g.arena = append(g.arena, model.CaseEvent{ActorID: s.actor, At: at, Action: string(s.action), FromState: string(s.from),
			ToState: string(s.to), Note: s.note, Payload: payload})
	}
	b.events[i] = g.arena[start:len(g.arena):len(g.arena)]

	// stepAt is when step i happened; nil for no step (-1).
	stepAt := func(i int) *time.Time {
		if i < 0 {
			return nil
		}
		t := p.steps[i].at
		return &t
	}
	c.UpdatedAt = at
	c.AcceptedAt, c.ResolvedAt = stepAt(p.accept), stepAt(p.resolve)
	if c.ResolvedAt != nil {
		due := c.CreatedAt.AddDate(0, 0, 30) // the handling deadline fill gives every case
		c.ResolvedDueAt = &due
	}
	if t := stepAt(p.respond); t != nil {
		c.RiskRespondedAt = t
	}
	if workflow.State(c.State).Terminal() {
		t := at
		c.ClosedAt = &t
	}
	for k := range c.Assignments {
		a, s := &c.Assignments[k], p.asg[k]
		a.AssignedAt = p.steps[s.assigned].at
		ret := g.cal.AddWorkdays(a.AssignedAt, 5).UTC() // the objection window of 信访工作条例 Art 23
		a.ReturnBy = &ret
		a.SignedAt, a.ReportedAt = stepAt(s.signed), stepAt(s.reported)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// registerPayload is what Register records of a case: {"category", "channel", "kind", "urgency"}.
func (g *generator) registerPayload(c *model.Case) []byte {
	cat, ok := g.catJSON[c.CategoryID]
	if !ok {
		cat, _ = json.Marshal(c.CategoryCode)
		g.catJSON[c.CategoryID] = cat
	}
	b := make([]byte, 0, 96)
	b = append(append(append(b, `{"category":`...), cat...), `,"channel":"`...)
	b = append(append(append(b, c.Channel...), `","kind":"`...), c.Kind...)
	return append(append(append(b, `","urgency":"`...), c.Urgency...), `"}`...)
}

// warningPayload is what the warning set at registration records, its assessment
// with it (for the timeline to word for each reader, as internal/cases keeps it).
func warningPayload(c *model.Case) []byte {
	b := append(append([]byte(`{"computed":"`), c.RiskComputed...), `","from":"none","reason":"computed","result":`...)
	b = append(append(b, c.RiskResult...), `,"score":`...)
	b = strconv.AppendInt(b, int64(c.RiskScore), 10)
	return append(append(append(b, `,"to":"`...), c.RiskLevel...), `"}`...)
}

// assignPayload is what assign records: the lead department and any co-handler.
func (g *generator) assignPayload(lead, co int64) []byte {
	b := make([]byte, 0, 160)
	b = append(b, '{')
	if co != 0 {
		b = append(g.coDepartments(b, co), ',')
	}
	b = append(append(append(b, `"lead_department":`...), g.deptJSON[lead]...), `,"lead_department_id":`...)
	return append(strconv.AppendInt(b, lead, 10), '}')
}

// coAssignPayload is what co_assign records.
func (g *generator) coAssignPayload(co int64) []byte {
	return append(g.coDepartments([]byte{'{'}, co), '}')
}

func (g *generator) coDepartments(b []byte, co int64) []byte {
	b = strconv.AppendInt(append(b, `"co_department_ids":[`...), co, 10)
	return append(append(append(b, `],"co_departments":[`...), g.deptJSON[co]...), ']')
}

// assignmentPayload is what a department's sign, return, co_sign or co_report records.
func assignmentPayload(a *model.Assignment) []byte {
	b := strconv.AppendInt([]byte(`{"assignment_id":`), a.ID, 10)
	return append(strconv.AppendInt(append(b, `,"department_id":`...), a.DepartmentID, 10), '}')
}

// regulars are the people who keep coming back: some 4 % of the cases are brought by
// one of a pool of them (three, and one more for every 2,000 cases generated so far),
// each of whom comes some forty times over the three years — three or more times in
// most 90 days, as the 重复来访率 and the analysis page (研判) find them. They draw
// from a random source of their own, so the rest of a seed's cases stay as they were;
// and the pool grows with the cases made, not with how many are asked for, so a seed's
// first cases are the same however many follow.
type regulars struct {
	rng    *rand.Rand
	people []model.Party
	made   int // the cases visit has seen
}

func newRegulars(seed uint64) *regulars {
	return &regulars{rng: rand.New(rand.NewPCG(seed^0x5eed, seed+7))}
}

// visit makes c, now and then, a regular's case: its applicant becomes one of them.
func (r *regulars) visit(c *model.Case) {
	r.made++
	for len(r.people) < 3+r.made/2000 {
		rng := r.rng
		birth := time.Date(1945+rng.IntN(40), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		r.people = append(r.people, model.Party{Role: model.PartyApplicant, Name: personName(rng),
			IDNumber: model.MakeIDNumber(CountyCode, birth, rng.IntN(1000)), Phone: phone(rng)})
	}
	if r.rng.IntN(100) >= 4 || len(c.Parties) == 0 || c.Parties[0].Role != model.PartyApplicant {
		return
	}
	c.Parties[0] = r.people[r.rng.IntN(len(r.people))]
}
