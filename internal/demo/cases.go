package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
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

// genBatch is how many cases go to the database in one BulkLoadCases call, and so
// one transaction: memory holds two batches. On SQLite a commit writes every index
// page the batch touched, twice (WAL, then checkpoint), and with keys as scattered as
// tracking codes, phones, ID numbers and addresses a batch touches most of those
// indexes' pages once there are some hundred thousand cases; so SQLite gets large
// batches, which pay that less often (at 1M cases, 50,000 a batch loads about 40%
// faster than 10,000). PostgreSQL logs each row instead, and batch size matters little.
func genBatch(d store.Dialect) int {
	if d == store.SQLite {
		return 50000
	}
	return 10000
}

// GenerateCases adds n cases to a database that already holds an organisation: spread
// over its villages and grids, categories, channels, urgencies and the last three
// years, each with parties carrying valid ID numbers and phones and its registration
// event. It is deterministic for a seed. Used by benchmarks and `onedoor demo`.
//
// It writes through Store.BulkLoadCases, batch by batch, so it must own the database
// while it runs: never point it at a database a live server is registering cases in.
// One goroutine makes the cases, in order, while another writes the previous batch.
func GenerateCases(ctx context.Context, st *store.Store, n int, seed uint64) error {
	return generate(ctx, st, n, seed, false)
}

// GenerateOpenCases is GenerateCases with every case registered in the last 60 days
// and still open: the load a backlogged deployment carries, for the deadline-sweep
// benchmark ("1M open cases").
func GenerateOpenCases(ctx context.Context, st *store.Store, n int, seed uint64) error {
	return generate(ctx, st, n, seed, true)
}

func generate(ctx context.Context, st *store.Store, n int, seed uint64, allOpen bool) error {
	g, err := newGenerator(ctx, st, seed)
	if err != nil {
		return err
	}
	g.allOpen = allOpen
	// Tracking codes come from numbering the cases on from the newest one's id, so a
	// second run, even with the same seed, never repeats a code.
	newest, err := st.Cases(ctx, store.CaseFilter{Limit: 1}, store.CaseScope{All: true})
	if err != nil {
		return err
	}
	next := uint64(1)
	if len(newest) > 0 {
		next = uint64(newest[0].ID) + 1
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []model.Case)
	loaded := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = st.BulkLoadCases(ctx, b); err != nil {
					cancel() // stop the maker; keep draining until it sees it
				}
			}
		}
		loaded <- err
	}()
	for made := 0; made < n && ctx.Err() == nil; {
		b := make([]model.Case, min(genBatch(st.Dialect()), n-made))
		for i := range b {
			g.fill(&b[i], next)
			next++
		}
		select {
		case batches <- b:
		case <-ctx.Done():
		}
		made += len(b)
	}
	close(batches)
	if err := <-loaded; err != nil {
		return fmt.Errorf("demo cases: %w", err)
	}
	if err := ctx.Err(); err != nil {
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
	if g.allOpen || g.now.Sub(created) < 60*24*time.Hour || rng.IntN(100) == 0 {
		state = openStates[rng.IntN(len(openStates))]
	}
	due := created.AddDate(0, 0, 30)
	*c = model.Case{TrackingCode: g.codes.code(num), Kind: kind, CategoryID: cat.ID, CategoryCode: cat.Code,
		Channel: channels[rng.IntN(len(channels))], RegionID: place.ID, RegionPath: place.Path, CentreID: g.centreOf[place.ID],
		Address: fmt.Sprintf("%s%d组%d号", place.Name, 1+rng.IntN(9), 1+rng.IntN(80)), Title: summariseDemo(desc),
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
	c.Injured = rng.IntN(25) == 0
	g.warn(c)
}

// warn gives an open case the warning the default rules give its own facts (history
// across generated cases is left out), as if the centre had responded on the day.
func (g *generator) warn(c *model.Case) {
	c.RiskLevel, c.RiskComputed = risk.LevelNone.String(), risk.LevelNone.String()
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

func summariseDemo(s string) string {
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
