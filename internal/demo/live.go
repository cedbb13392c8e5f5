package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Live puts into the demo county the work a centre has in hand on a working morning,
// so that every page a newcomer opens has something true on it: cases open in every
// state and at every warning level, some 将到期 and some 已超期; warnings of each
// colour, red ones under their order with a 包案 leader, an orange one still waiting
// for the day's response; supervision orders, answered and not; an extension waiting
// for a leader; published reception sessions with bookings; and each working role's
// unread notices. GenerateCases makes the archive behind it.
//
// Nothing here is written around the service: the stories of the last weeks are
// played through internal/cases, each step at its own time on the service's clock,
// with the deadline, supervision and warning sweeps run at each morning between, as
// a live server would have run them. So each case's timeline, deadlines, orders and
// notices are what the product itself made of those steps. The clock ends at now.
func Live(ctx context.Context, st *store.Store, now time.Time) error {
	l, err := newLiveCounty(ctx, st, now)
	if err != nil {
		return err
	}
	l.stories()
	return l.play(ctx)
}

// liveCounty plays the stories: it holds the demo county's people, places and
// dictionaries, and the moves to make.
type liveCounty struct {
	st    *store.Store
	svc   *cases.Service
	now   time.Time // the end of the play
	clock time.Time // the service's clock while a move runs
	today time.Time // the morning the stories count back from (China time, 08:30)

	people  map[string]*auth.Principal // by username
	regions map[string]model.Region    // by name
	depts   map[string]int64           // by "region code/department code"
	cats    map[string]int64           // by code
	moves   []move
}

// move is one step of a story, or a sweep, at its time.
type move struct {
	at   time.Time
	what string
	do   func(ctx context.Context) error
}

func newLiveCounty(ctx context.Context, st *store.Store, now time.Time) (*liveCounty, error) {
	l := &liveCounty{st: st, now: now.UTC(), people: map[string]*auth.Principal{}, regions: map[string]model.Region{},
		depts: map[string]int64{}, cats: map[string]int64{}}
	l.svc = cases.New(st)
	l.svc.Now = func() time.Time { return l.clock }
	// The morning the stories count back from: today's 08:30 in China, or yesterday's
	// before then, so that no step lies in the future.
	cn := now.In(workflow.ChinaTime)
	l.today = time.Date(cn.Year(), cn.Month(), cn.Day(), 8, 30, 0, 0, workflow.ChinaTime)
	if l.today.After(now) {
		l.today = l.today.AddDate(0, 0, -1)
	}
	regions, err := st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, r := range regions {
		codes[r.ID] = r.Code
		// The county's regions by name: in a province (SeedProvince) other counties
		// have villages of the same names.
		if strings.HasPrefix(r.Code, CountyCode) {
			l.regions[r.Name] = r
		}
	}
	depts, err := st.Departments(ctx, store.DepartmentFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		l.depts[codes[d.RegionID]+"/"+d.Code] = d.ID
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		l.cats[c.Code] = c.ID
	}
	users, err := st.Users(ctx, store.UserFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		p := &auth.Principal{User: u}
		if p.Region, err = st.Region(ctx, u.RegionID); err != nil {
			return nil, err
		}
		if u.DepartmentID != 0 {
			d, err := st.Department(ctx, u.DepartmentID)
			if err != nil {
				return nil, err
			}
			p.Department = &d
		}
		l.people[u.Username] = p
	}
	for _, a := range Accounts() {
		if l.people[a.Username] == nil {
			return nil, fmt.Errorf("demo live: account %s is missing", a.Username)
		}
	}
	return l, nil
}

// day is hh:mm, d days before the morning (negative: after it).
func (l *liveCounty) day(d, hh, mm int) time.Time {
	t := l.today.AddDate(0, 0, -d)
	return time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, workflow.ChinaTime).UTC()
}

// at adds a move.
func (l *liveCounty) at(t time.Time, what string, do func(ctx context.Context) error) {
	l.moves = append(l.moves, move{at: t, what: what, do: do})
}

// sweepDays is how many mornings back the sweeps start: before the oldest story.
const sweepDays = 50

// play makes the moves in time order, with the sweeps at 09:00 of each day and once
// at the end, each at its time on the service's clock.
func (l *liveCounty) play(ctx context.Context) error {
	for d := sweepDays; d >= 0; d-- {
		if t := l.day(d, 9, 0); t.Before(l.now) {
			l.at(t, "sweep", l.sweep)
		}
	}
	l.at(l.now, "sweep", l.sweep)
	slices.SortStableFunc(l.moves, func(a, b move) int { return a.at.Compare(b.at) })
	for _, m := range l.moves {
		if m.at.After(l.now) {
			return fmt.Errorf("demo live: %s at %s is after now", m.what, m.at)
		}
		l.clock = m.at
		if err := m.do(ctx); err != nil {
			return fmt.Errorf("demo live: %s at %s: %w", m.what, m.at.In(workflow.ChinaTime).Format("01-02 15:04"), err)
		}
	}
	return nil
}

// sweep runs the server's sweeps at the clock.
func (l *liveCounty) sweep(ctx context.Context) error {
	for _, sw := range []func(context.Context, time.Time) (int, error){l.svc.SweepDeadlines, l.svc.SweepSupervision, l.svc.SweepAgreementTerms, l.svc.SweepReferralLimits, l.svc.SweepRisk} {
		if _, err := sw(ctx, l.clock); err != nil {
			return err
		}
	}
	return nil
}

// as is ctx with who as the actor, as a signed-in request carries it.
func (l *liveCounty) as(ctx context.Context, who string) (context.Context, *auth.Principal) {
	p := l.people[who]
	return store.WithActor(ctx, store.Actor{ID: p.User.ID, Name: p.User.Username, IP: "10.0.0.8"}), p
}

// story is one case as its story goes: registered by a move, acted on by later ones.
type story struct {
	l *liveCounty
	c model.Case
}

// register adds the move registering the case, by who (a clerk, leader or grid worker).
func (l *liveCounty) register(t time.Time, who string, in cases.RegisterInput) *story {
	s := &story{l: l}
	l.at(t, "register "+in.Description, func(ctx context.Context) error {
		ctx, p := l.as(ctx, who)
		c, err := l.svc.Register(ctx, p, in)
		s.c = c
		return err
	})
	return s
}

// portal adds the move of a citizen reporting through the public portal.
func (l *liveCounty) portal(t time.Time, in cases.PublicInput) *story {
	s := &story{l: l}
	l.at(t, "portal "+in.Description, func(ctx context.Context) error {
		c, err := l.svc.RegisterPublic(store.WithActor(ctx, store.Actor{Name: "citizen", IP: "10.0.0.66"}), in, "portal")
		s.c = c
		return err
	})
	return s
}

// then adds the move of who taking action a on the case.
func (s *story) then(t time.Time, who string, a workflow.Action, in cases.ActInput) *story {
	s.l.at(t, string(a), func(ctx context.Context) error {
		ctx, p := s.l.as(ctx, who)
		c, err := s.l.svc.Act(ctx, p, s.c.ID, a, in)
		if err == nil {
			s.c = c
		}
		return err
	})
	return s
}

// reply adds the move of who answering the case's open supervision order.
func (s *story) reply(t time.Time, who, text string) *story {
	s.l.at(t, "reply", func(ctx context.Context) error {
		ctx, p := s.l.as(ctx, who)
		orders, err := s.l.svc.Board(ctx, p, "open", "")
		if err != nil {
			return err
		}
		for _, o := range orders {
			if o.CaseID == s.c.ID && cases.MayReply(p, o) {
				_, err := s.l.svc.ReplySupervision(ctx, p, o.ID, text)
				return err
			}
		}
		return fmt.Errorf("no open order on case %d for %s to answer", s.c.ID, who)
	})
	return s
}

// issue adds the move of who issuing a document of kind on the case (文书), its QR
// code pointing at the demo's own address.
func (s *story) issue(t time.Time, who string, kind documents.Kind) *story {
	s.l.at(t, "issue "+string(kind), func(ctx context.Context) error {
		ctx, p := s.l.as(ctx, who)
		_, err := s.l.svc.IssueDocument(ctx, p, s.c.ID, cases.IssueInput{Kind: kind, TrackURL: "http://localhost:8080/p/track?code=" + s.c.TrackingCode})
		return err
	})
	return s
}

// dept is a department's id by its region's code and its own.
func (l *liveCounty) dept(region, code string) int64 { return l.depts[region+"/"+code] }

// party is an applicant with a phone, and optionally who they complain of.
func party(name, phone string, against ...string) []cases.PartyInput {
	ps := []cases.PartyInput{{Name: name, Phone: phone}}
	for _, a := range against {
		ps = append(ps, cases.PartyInput{Role: model.PartyRespondent, Name: a})
	}
	return ps
}

const (
	fucheng = "622922100"
	suji    = "622922101"
	jinggu  = "622922103"
)

// stories are the last weeks at the county's centres, from the newest report back to
// a dispute six weeks old; each ends where the case stands this morning.
func (l *liveCounty) stories() {
	accept := cases.ActInput{Note: "属于本中心受理范围，予以受理。"}
	in := func(kind model.CaseKind, cat, region, desc string, parties []cases.PartyInput) cases.RegisterInput {
		return cases.RegisterInput{Kind: kind, CategoryID: l.cats[cat], Channel: model.ChannelWalkIn, RegionID: l.regions[region].ID,
			Description: desc, Parties: parties}
	}
	assign := func(dept int64, note string) cases.ActInput {
		return cases.ActInput{LeadDepartmentID: dept, Note: note}
	}

	// 附城镇 (Fucheng): the county seat's township, the busiest desk.

	// A call this morning, not yet looked at: 已登记.
	noise := in(model.KindDispute, "dispute.neighbour", "高林湾村第一网格", "高林湾村居民反映楼上邻居夜间装修噪音扰民，多次协商未果，请求调解。",
		party("王秀兰", "13893012201", "李国栋"))
	noise.Channel = model.ChannelPhone
	l.register(l.day(0, 8, 5), "fucheng.clerk", noise)

	// A citizen's photo report last night (随手拍), waiting for the desk; they have
	// booked the leader's reception too.
	lamp := l.portal(l.day(1, 19, 40), cases.PublicInput{Kind: model.KindHazard, CategoryID: l.cats["hazard.traffic"], Channel: model.ChannelPhoto,
		RegionID: l.regions["高林湾村第二网格"].ID, Address: "高林湾村小学门口", Description: "高林湾村小学门口路灯杆被车撞歪，向路面倾斜，学生上下学从下面经过，存在倒塌隐患。",
		Name: "赵海燕", Phone: "13993015566", Photos: []cases.Upload{{Name: "路灯杆.png", Data: streetPhoto(true)}, {Name: "校门口.png", Data: streetPhoto(false)}}})
	l.at(l.day(1, 20, 5), "book", func(ctx context.Context) error {
		return l.bookPublic(ctx, &lamp.c, "13993015566", "fucheng.leader")
	})

	// Accepted the day before yesterday, not yet routed: 已受理.
	land := l.register(l.day(2, 10, 20), "fucheng.clerk", in(model.KindDispute, "dispute.land", "中园村",
		"中园村村民马德明与邻村马立新因承包地界址发生争执，双方均称对方多占两垄地，协商未果。", party("马德明", "13893012230", "马立新")))
	land.then(l.day(2, 10, 40), "fucheng.clerk", workflow.ActionAccept, accept).
		issue(l.day(2, 10, 45), "fucheng.clerk", documents.KindAcceptance)

	// Routed to the township's 司法所 yesterday, not yet signed for: 已交办.
	fence := l.register(l.day(1, 9, 15), "fucheng.clerk", in(model.KindDispute, "dispute.neighbour", "高丰村",
		"高丰村村民周文博反映邻居吴志强新砌院墙占用公共通道，出行受阻，双方多次争吵。", party("周文博", "13893012241", "吴志强")))
	fence.then(l.day(1, 9, 30), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(1, 9, 35), "fucheng.clerk", workflow.ActionAssign, assign(l.dept(fucheng, "justice-office"), "请司法所组织双方调解。")).
		issue(l.day(1, 9, 36), "fucheng.clerk", documents.KindReceipt).
		issue(l.day(1, 9, 37), "fucheng.clerk", documents.KindAssignment)

	// Red: forty workers owed wages, some threatening to jump. The order the warning
	// brought was answered, the county leader holds it (包案), the county's 人社局
	// leads and the township's 劳动保障所 was whistled in (吹哨).
	wages := in(model.KindDispute, "dispute.labour.wages", "高丰村",
		"高丰村安置房工地40余名农民工反映被拖欠工资86万元，多次讨薪未果，部分工人扬言要去跳楼。", party("孙建国", "13893012250", "某建筑公司"))
	wages.PeopleCount, wages.AmountYuan, wages.Urgency = 42, 860000, string(workflow.UrgencyUrgent)
	red := l.register(l.day(4, 9, 10), "fucheng.clerk", wages)
	red.then(l.day(4, 9, 20), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(4, 9, 25), "fucheng.clerk", workflow.ActionAssign, cases.ActInput{LeadDepartmentID: l.dept(CountyCode, "hrss"),
			CoDepartmentIDs: []int64{l.dept(fucheng, "labour-office")}, Note: "请县人社局牵头核查欠薪，附城镇劳动保障所配合。"}).
		then(l.day(4, 10, 0), "fucheng.leader", workflow.ActionWarningRespond, cases.ActInput{Note: "已约谈施工方负责人，安排专人稳控工人情绪。",
			HolderID: l.people["county.leader"].User.ID}).
		then(l.day(4, 10, 30), "county.handler", workflow.ActionSign, cases.ActInput{Note: "已签收，今日赴工地核查。"}).
		reply(l.day(3, 16, 0), "fucheng.leader", "包案领导已明确，工人代表已约谈，施工方承诺本周内先行支付一半工资。")

	// Urgent since yesterday: a restaurant's owner gone with eight waiters' wages. The
	// 劳动保障所 leads and the 派出所 was whistled in to find him; under the co_handle
	// rule its part of an urgent case is due in two days: 将到期 this morning.
	eatery := in(model.KindDispute, "dispute.labour.wages", "高林湾村", "高林湾村某餐馆老板失联，拖欠8名服务员两个月工资共4.2万元，服务员聚集在店门口。",
		party("黄雪芳", "13893012340", "某餐馆"))
	eatery.PeopleCount, eatery.AmountYuan, eatery.Urgency = 8, 42000, string(workflow.UrgencyUrgent)
	l.register(l.day(1, 14, 30), "fucheng.clerk", eatery).
		then(l.day(1, 14, 40), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(1, 15, 20), "fucheng.clerk", workflow.ActionAssign, cases.ActInput{LeadDepartmentID: l.dept(fucheng, "labour-office"),
			CoDepartmentIDs: []int64{l.dept(fucheng, "police-station")}, Note: "请劳动保障所牵头核查欠薪，派出所协助查找餐馆负责人。"})

	// Orange this morning: a wife beaten, in hospital; the day's response is due.
	dv := in(model.KindDispute, "dispute.marriage.dv", "中园村第一网格", "中园村村民马春花反映丈夫酒后多次动手打人，前日被打伤送医，请求帮助。",
		party("马春花", "13893012261", "杨德明"))
	dv.Injured = true
	l.register(l.day(0, 7, 50), "fucheng.clerk", dv).
		then(l.day(0, 8, 0), "fucheng.clerk", workflow.ActionAccept, accept)

	// Yellow: a divorce in which the wife said she did not want to live; the
	// 司法所 works it.
	divorce := l.register(l.day(6, 14, 0), "fucheng.clerk", in(model.KindDispute, "dispute.marriage.divorce", "高林湾村",
		"高林湾村村民刘丽娟反映与丈夫因离婚财产分割争执不下，情绪低落，称不想活了。", party("刘丽娟", "13893012270", "黄明辉")))
	divorce.then(l.day(6, 14, 10), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(6, 14, 15), "fucheng.clerk", workflow.ActionAssign, assign(l.dept(fucheng, "justice-office"), "请司法所调解，注意当事人情绪。")).
		then(l.day(5, 9, 0), "fucheng.handler", workflow.ActionSign, cases.ActInput{Note: "已签收，安排调解员上门。"})

	// Resolved by the 司法所 the day before yesterday: waiting for the desk to verify.
	cattle := l.register(l.day(12, 10, 0), "fucheng.clerk", in(model.KindDispute, "dispute.damages", "中园村第二网格",
		"中园村村民陈志强称邻居何国栋饲养的牛多次毁坏其玉米地，协商赔偿未果。", party("陈志强", "13893012280", "何国栋")))
	cattle.then(l.day(12, 10, 10), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(12, 10, 20), "fucheng.clerk", workflow.ActionAssign, assign(l.dept(fucheng, "justice-office"), "请司法所调解。")).
		then(l.day(11, 9, 0), "fucheng.handler", workflow.ActionSign, cases.ActInput{Note: "已签收。"}).
		then(l.day(2, 15, 0), "fucheng.handler", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeMediatedAgreement),
			Note: "经调解，何国栋赔偿陈志强玉米损失1200元，双方签订调解协议，当场履行。"})

	// Verified five days ago: its return visit comes due for the grid worker.
	debt := l.register(l.day(20, 11, 0), "fucheng.clerk", in(model.KindDispute, "dispute.contract", "高林湾村第二网格",
		"高林湾村村民罗建国反映借给同村吴文博3万元，约定一年归还，现逾期两年未还。", party("罗建国", "13893012290", "吴文博")))
	debt.then(l.day(20, 11, 10), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(20, 11, 20), "fucheng.clerk", workflow.ActionHandle, cases.ActInput{Note: "由中心调解室调解。"}).
		then(l.day(6, 16, 0), "fucheng.mediator", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeMediatedAgreement),
			Note: "双方达成分期还款协议，每月归还5000元。"}).
		then(l.day(5, 9, 30), "fucheng.clerk", workflow.ActionVerify, cases.ActInput{Note: "协议已附卷，核实无误。"})

	// Visited, waiting to be archived.
	help := l.register(l.day(16, 9, 40), "fucheng.clerk", in(model.KindService, "service.hardship", "高丰村",
		"高丰村村民张玉兰丈夫因病去世，家中两个孩子上学，生活困难，申请临时救助。", party("张玉兰", "13893012300")))
	help.then(l.day(16, 9, 50), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(16, 10, 0), "fucheng.clerk", workflow.ActionHandle, cases.ActInput{Note: "中心协调民政办理。"}).
		then(l.day(9, 15, 0), "fucheng.mediator", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeDone), Note: "已协调发放临时救助金3000元。"}).
		then(l.day(8, 9, 0), "fucheng.clerk", workflow.ActionVerify, cases.ActInput{Note: "救助金已到账。"}).
		then(l.day(3, 10, 0), "fucheng.grid", workflow.ActionVisit, cases.ActInput{Satisfaction: string(workflow.Satisfied), Note: "上门回访，当事人表示满意。"})

	// Suspended while an injury is assessed.
	crash := l.register(l.day(15, 15, 30), "fucheng.clerk", in(model.KindDispute, "dispute.traffic", "高林湾村",
		"高林湾村村民吴春花骑电动车与货车相撞受伤，双方对赔偿金额分歧较大。", party("吴春花", "13893012310", "某物流公司")))
	crash.then(l.day(15, 15, 40), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(15, 15, 50), "fucheng.clerk", workflow.ActionHandle, cases.ActInput{Note: "由中心调解室调解。"}).
		then(l.day(10, 10, 0), "fucheng.clerk", workflow.ActionSuspend, cases.ActInput{Note: "需等待伤情鉴定结论。"})

	// Mediated at the centre, its 30 days running out: 将到期 for the mediator.
	wall := l.register(l.day(29, 10, 0), "fucheng.clerk", in(model.KindDispute, "dispute.housing", "高丰村第一网格",
		"高丰村村民黄德明反映邻居翻建房屋时挖断其院墙地基，墙体开裂。", party("黄德明", "13893012320", "罗志强")))
	wall.then(l.day(29, 10, 10), "fucheng.clerk", workflow.ActionAccept, accept).
		then(l.day(29, 10, 20), "fucheng.clerk", workflow.ActionHandle, cases.ActInput{Note: "由中心调解室调解。"})

	// 苏集镇 (Suji).

	// Blue: a claim for land compensation of 150,000 yuan, with the 司法所.
	claim := in(model.KindPetition, "petition.claim", "古洞沟村", "古洞沟村村民何秀兰反映征地补偿款15万元至今未足额发放。", party("何秀兰", "13893022101"))
	claim.AmountYuan = 150000
	l.register(l.day(8, 10, 0), "suji.clerk", claim).
		then(l.day(8, 10, 10), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(8, 10, 20), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所会同镇国土所核查。")).
		then(l.day(7, 9, 0), "suji.handler", workflow.ActionSign, cases.ActInput{Note: "已签收。"})

	// Urgent, eight days old, the 派出所 never signed for it: 已超期, and the
	// sweep's yellow card on it.
	gas := in(model.KindHazard, "hazard.fire", "苏集村", "苏集村集市旁小饭馆违规存放十余个液化气罐，紧邻学校。", party("马国栋", "13893022110"))
	gas.Urgency = string(workflow.UrgencyUrgent)
	// Yesterday the desk whistled in the 司法所 (吹哨) to press the shop owner; a part
	// never runs past its case's deadline, long passed here, so it is 已超期 at once.
	l.register(l.day(9, 11, 0), "suji.clerk", gas).
		then(l.day(9, 11, 10), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(9, 11, 20), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "police-station"), "请派出所立即检查处置。")).
		then(l.day(1, 15, 0), "suji.clerk", workflow.ActionCoAssign, cases.ActInput{CoDepartmentIDs: []int64{l.dept(suji, "justice-office")},
			Note: "派出所逾期未签收，请司法所协助督促店主整改。"})

	// Six weeks old and long overdue: the sweep's red card answered by the 司法所, an
	// extension asked of the leader.
	village := in(model.KindDispute, "dispute.village", "周家沟村",
		"周家沟村部分村民对村集体土地流转收益分配方案有异议，多次到村委会反映。", party("李文博", "13893022120"))
	village.PeopleCount = 12
	old := l.register(l.day(45, 9, 30), "suji.clerk", village)
	old.then(l.day(45, 9, 40), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(45, 9, 50), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所会同村委会调处。")).
		then(l.day(44, 9, 0), "suji.handler", workflow.ActionSign, cases.ActInput{Note: "已签收。"}).
		reply(l.day(1, 10, 0), "suji.handler", "已召开村民代表会议两次，分配方案正在重新公示，预计两周内办结。").
		then(l.day(1, 10, 30), "suji.handler", workflow.ActionExtendRequest, cases.ActInput{Days: 15, Note: "分配方案需重新公示，申请延期15日。"})

	// Supervised by the leader, answered by the 司法所.
	feud := l.register(l.day(18, 10, 0), "suji.clerk", in(model.KindDispute, "dispute.neighbour", "苏集村第一网格",
		"苏集村村民杨海燕与邻居因排水沟堵塞发生争执，雨天污水倒灌入院。", party("杨海燕", "13893022130", "周建国")))
	feud.then(l.day(18, 10, 10), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(18, 10, 20), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所调解。")).
		then(l.day(17, 9, 0), "suji.handler", workflow.ActionSign, cases.ActInput{Note: "已签收。"}).
		then(l.day(4, 11, 0), "suji.leader", workflow.ActionSupervise, cases.ActInput{Level: "normal", ReplyDays: 3, Note: "群众多次来电，请加快调处并报告进展。"}).
		reply(l.day(2, 16, 30), "suji.handler", "已组织双方现场查看，约定本周内共同疏通排水沟。")

	// Supervised yesterday, not yet answered.
	shop := l.register(l.day(10, 15, 0), "suji.clerk", in(model.KindDispute, "dispute.consumer", "苏集村",
		"苏集村村民陈丽娟反映在集市购买的电动车一周内两次故障，商家拒绝退换。", party("陈丽娟", "13893022140", "某电动车店")))
	shop.then(l.day(10, 15, 10), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(10, 15, 20), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所会同市场监管所调解。")).
		then(l.day(9, 9, 0), "suji.handler", workflow.ActionSign, cases.ActInput{Note: "已签收。"}).
		then(l.day(1, 11, 0), "suji.leader", workflow.ActionSupervise, cases.ActInput{Level: "normal", ReplyDays: 2, Note: "请于两个工作日内报告调解进展。"})

	// Orange, answered the same day: 35 workers of a brickworks owed wages.
	kiln := in(model.KindDispute, "dispute.labour.wages", "周家沟村", "周家沟村砖厂35名工人反映被拖欠工资，集体到镇政府讨薪。", party("赵立新", "13893022150", "某砖厂"))
	kiln.PeopleCount = 35
	l.register(l.day(3, 9, 0), "suji.clerk", kiln).
		then(l.day(3, 9, 10), "suji.clerk", workflow.ActionAccept, accept).
		then(l.day(3, 9, 20), "suji.leader", workflow.ActionWarningRespond, cases.ActInput{Note: "已约谈砖厂负责人，明确三日内拿出支付方案。"}).
		then(l.day(3, 9, 40), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所会同劳动保障所处置。")).
		// Paid in part: the leader steps the warning down (a cleared orange on /stats).
		then(l.day(1, 15, 0), "suji.leader", workflow.ActionWarningAdjust, cases.ActInput{WarningLevel: "yellow",
			Note: "砖厂已支付七成工资，余款约定月底前付清，工人已返岗，降为黄色预警。"})

	// A grid worker's report this morning.
	drain := cases.RegisterInput{Kind: model.KindHazard, CategoryID: l.cats["hazard.other"], Channel: model.ChannelGrid,
		RegionID: l.regions["古洞沟村第二网格"].ID, Description: "古洞沟村第二网格巡查发现村道排水渠盖板缺失两块，夜间行人易跌落。",
		Parties: party("网格员巡查", "13893022160")}
	l.register(l.day(0, 7, 40), "suji.grid", drain)

	// 景古镇 (Jinggu).

	// Red: a man with a severe mental illness, threatening his neighbours with a
	// knife; 包案 by the township's leader, the order not yet answered.
	knife := in(model.KindDispute, "dispute.housing", "安龙村", "安龙村村民因宅基地纠纷调解未果，马某持刀扬言要与对方同归于尽，已有一人受伤。",
		[]cases.PartyInput{{Name: "马文博", Phone: "13893032101", SevereMentalIllness: true}, {Role: model.PartyRespondent, Name: "孙德明"}})
	knife.Injured, knife.PeopleCount, knife.Urgency = true, 6, string(workflow.UrgencyCritical)
	l.register(l.day(1, 16, 0), "jinggu.clerk", knife).
		then(l.day(1, 16, 5), "jinggu.clerk", workflow.ActionAccept, accept).
		then(l.day(1, 16, 30), "jinggu.leader", workflow.ActionWarningRespond, cases.ActInput{Note: "已会同派出所将马某送医，落实监护人看护。",
			HolderID: l.people["jinggu.leader"].User.ID}).
		then(l.day(1, 16, 40), "jinggu.clerk", workflow.ActionHandle, cases.ActInput{Note: "由中心牵头调处。"})

	// Mediated at the centre, 将到期.
	well := l.register(l.day(28, 14, 0), "jinggu.clerk", in(model.KindDispute, "dispute.village", "八字沟村",
		"八字沟村两户村民因共用水井的维修费用分摊发生争执，一方封堵井口。", party("罗秀兰", "13893032110", "何志强")))
	well.then(l.day(28, 14, 10), "jinggu.clerk", workflow.ActionAccept, accept).
		then(l.day(28, 14, 20), "jinggu.clerk", workflow.ActionHandle, cases.ActInput{Note: "由中心调解室调解。"})

	// A consultation answered at the window, resolved.
	policy := l.register(l.day(5, 10, 0), "jinggu.clerk", in(model.KindService, "service.policy", "景古村",
		"景古村村民王春花咨询外出务工人员参加城乡居民医保的缴费办法。", party("王春花", "13893032120")))
	policy.then(l.day(5, 10, 5), "jinggu.clerk", workflow.ActionAccept, accept).
		then(l.day(5, 10, 10), "jinggu.clerk", workflow.ActionHandle, cases.ActInput{Note: "窗口当场解答。"}).
		then(l.day(5, 10, 30), "jinggu.mediator", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeExplained), Note: "已当场解答缴费办法并发放宣传单。"})

	// 县中心 (the county centre).

	// A petition at the county's window, its 15 days to decide running out.
	petition := l.register(l.day(14, 9, 0), "county.clerk", in(model.KindPetition, "petition.advice", "苏集村",
		"苏集村村民联名建议在苏集村村口国道路段增设减速带和警示标志，近一年发生多起事故。", party("孙海燕", "13893042101")))
	_ = petition

	// A work injury with the county's 人社局, signed for.
	injury := l.register(l.day(12, 15, 0), "county.clerk", in(model.KindDispute, "dispute.labour.injury", "景古村",
		"景古村村民周国栋在县城某建材厂务工时右手受伤，厂方拒绝申报工伤。", party("周国栋", "13893042110", "某建材厂")))
	injury.then(l.day(12, 15, 10), "county.clerk", workflow.ActionAccept, accept).
		then(l.day(12, 15, 20), "county.clerk", workflow.ActionAssign, assign(l.dept(CountyCode, "hrss"), "请县人社局依法处理工伤认定。")).
		then(l.day(11, 9, 0), "county.handler", workflow.ActionSign, cases.ActInput{Note: "已签收，通知厂方提交材料。"}).
		// Supervised by the county's leader and answered within the days given.
		then(l.day(6, 9, 0), "county.leader", workflow.ActionSupervise, cases.ActInput{Level: "normal", ReplyDays: 2, Note: "请报告工伤认定材料收集进展。"}).
		reply(l.day(5, 16, 0), "county.handler", "已责令厂方五日内提交用工材料，工伤认定申请已受理。")

	// 上报: a quarrel over a channel two townships share, beyond 景古镇's reach.
	canal := l.register(l.day(6, 10, 0), "jinggu.clerk", in(model.KindDispute, "dispute.village", "八字沟村",
		"八字沟村与相邻乡镇村民因共用灌渠分水时间发生争执，双方多次堵渠。", party("何建华", "13893032130", "邻镇村民")))
	canal.then(l.day(6, 10, 10), "jinggu.clerk", workflow.ActionAccept, accept).
		then(l.day(6, 10, 30), "jinggu.clerk", workflow.ActionEscalate, cases.ActInput{Note: "涉及两个乡镇的灌渠分水，需县中心协调。"}).
		then(l.day(5, 9, 30), "county.clerk", workflow.ActionAssign, assign(l.dept(CountyCode, "justice"), "请县司法局牵头协调两镇分水方案。"))

	// 下派: a complaint made at the county's window that 苏集镇 settles where it arose.
	roadway := l.register(l.day(4, 14, 0), "county.clerk", in(model.KindDispute, "dispute.neighbour", "古洞沟村",
		"古洞沟村村民到县中心反映邻居新建院墙占用通行道路，出入不便。", party("马玉兰", "13893042120", "马建军")))
	roadway.then(l.day(4, 14, 10), "county.clerk", workflow.ActionAccept, accept).
		then(l.day(4, 14, 20), "county.clerk", workflow.ActionDelegate, cases.ActInput{ToRegionID: l.regions["苏集镇"].ID, Note: "属地矛盾，下派苏集镇综治中心就地化解。"}).
		then(l.day(3, 9, 0), "suji.clerk", workflow.ActionAssign, assign(l.dept(suji, "justice-office"), "请司法所会同村委会现场调解。"))

	// Reception sessions in the coming working days, and bookings.
	l.at(l.day(2, 17, 0), "reception", func(ctx context.Context) error {
		return l.publishSessions(ctx, "county.leader", "县综治中心接待室", 1, 3)
	})
	l.at(l.day(2, 17, 10), "reception", func(ctx context.Context) error {
		return l.publishSessions(ctx, "fucheng.leader", "附城镇综治中心接待室", 1, 2)
	})
	l.at(l.day(1, 11, 0), "book", func(ctx context.Context) error { return l.bookDesk(ctx, "county.clerk", &petition.c, "county.leader") })
	l.at(l.day(1, 11, 10), "book", func(ctx context.Context) error { return l.bookDesk(ctx, "fucheng.clerk", &land.c, "fucheng.leader") })

	// The rota the admins keep: who is at each centre today.
	l.at(l.day(7, 17, 0), "rota", l.rota)

	l.mediationStories()
}

// rota stations departments at the centres (常驻, 轮驻 on set weekdays, 随驻 at a duty
// phone) and puts the leaders on their turns (值周 this week, 值班 today, 领导接访 on
// the reception days ahead), through the admin's service as /admin/roster does.
func (l *liveCounty) rota(ctx context.Context) error {
	svc := &org.Service{Store: l.st}
	type station struct {
		centre, region, dept, mode, weekdays, place, phone string
	}
	stations := []station{
		{"county", CountyCode, "petition", "resident", "", "一号窗口", ""},
		{"county", CountyCode, "justice", "resident", "", "人民调解室", ""},
		{"county", CountyCode, "hrss", "rotating", "1,3,5", "劳动争议窗口", ""},
		{"county", CountyCode, "market", "rotating", "2,4", "消费维权窗口", ""},
		{"county", CountyCode, "police", "on_call", "", "", "09322110110"},
		{"fucheng", fucheng, "justice-office", "resident", "", "调解室", ""},
		{"fucheng", fucheng, "labour-office", "rotating", "1,2,3,4,5", "劳动保障窗口", ""},
		{"fucheng", fucheng, "police-station", "on_call", "", "", "09322110120"},
		{"suji", suji, "justice-office", "resident", "", "调解室", ""},
		{"suji", suji, "tribunal", "rotating", "2,4", "诉调对接室", ""},
		{"jinggu", jinggu, "justice-office", "resident", "", "调解室", ""},
		{"jinggu", jinggu, "police-station", "on_call", "", "", "09322110130"},
	}
	for _, t := range stations {
		ctx, p := l.as(ctx, t.centre+".admin")
		if _, err := svc.SaveStation(ctx, p, org.StationInput{DepartmentID: l.dept(t.region, t.dept), Mode: t.mode,
			Weekdays: t.weekdays, Place: t.place, Phone: t.phone}); err != nil {
			return fmt.Errorf("station %s/%s: %w", t.region, t.dept, err)
		}
	}
	// The turns are the calendar day's in China, which before 08:30 is a day after the
	// morning the stories count back from.
	day := l.now.In(workflow.ChinaTime)
	today := day.Format(time.DateOnly)
	monday := day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	type shift struct{ centre, kind, from, to, note string }
	shifts := []shift{
		{"county", "duty", today, today, "县中心带班领导"},
		{"county", "reception", day.AddDate(0, 0, 1).Format(time.DateOnly), day.AddDate(0, 0, 3).Format(time.DateOnly), "县级领导接访日"},
		{"fucheng", "week", monday.Format(time.DateOnly), monday.AddDate(0, 0, 6).Format(time.DateOnly), "本周值周"},
		{"suji", "duty", today, today, ""},
		{"jinggu", "duty", today, today, ""},
	}
	for _, h := range shifts {
		ctx, p := l.as(ctx, h.centre+".admin")
		if _, err := svc.AddShift(ctx, p, org.ShiftInput{UserID: l.people[h.centre+".leader"].User.ID, Kind: h.kind, FromDay: h.from, ToDay: h.to, Note: h.note}); err != nil {
			return fmt.Errorf("shift of %s.leader: %w", h.centre, err)
		}
	}
	return nil
}

// streetPhoto draws the citizen's photo of the school gate: sky, houses, the road and
// the lamp post, leaning over it when leaning is set (the close-up), upright far off.
func streetPhoto(leaning bool) []byte {
	const w, h = 960, 720
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(r image.Rectangle, c color.RGBA) { draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src) }
	for y := 0; y < h*3/5; y++ { // a hazy sky
		v := uint8(170 + 60*y/(h*3/5))
		fill(image.Rect(0, y, w, y+1), color.RGBA{v - 40, v - 10, v, 255})
	}
	fill(image.Rect(0, h*3/5, w, h), color.RGBA{92, 92, 96, 255})           // the road
	fill(image.Rect(0, h*3/5, w, h*3/5+14), color.RGBA{180, 180, 172, 255}) // the kerb
	for i, x := range []int{40, 330, 620} {                                 // houses and the school gate
		fill(image.Rect(x, h*3/5-180+30*i, x+250, h*3/5), color.RGBA{196, 160, 120, 255})
		fill(image.Rect(x+20, h*3/5-220+30*i, x+230, h*3/5-180+30*i), color.RGBA{150, 60, 50, 255})
		fill(image.Rect(x+95, h*3/5-90, x+155, h*3/5), color.RGBA{70, 50, 40, 255})
	}
	for y := h*3/5 + 60; y < h; y += 90 { // the lane's dashes
		fill(image.Rect(w/2-6, y, w/2+6, y+45), color.RGBA{230, 230, 220, 255})
	}
	top, lean := 120, 0
	if leaning {
		top, lean = 60, 260
	}
	for y := top; y < h*3/5+40; y++ { // the pole, leaning over the road
		x := 760 - lean*(h*3/5+40-y)/(h*3/5+40-top)
		fill(image.Rect(x-9, y, x+9, y+1), color.RGBA{60, 64, 70, 255})
	}
	lampX := 760 - lean
	fill(image.Rect(lampX-45, top-14, lampX+10, top+8), color.RGBA{240, 220, 120, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// publishSessions publishes who's reception sessions on n working days, from the
// from-th working day after this morning's.
func (l *liveCounty) publishSessions(ctx context.Context, who, place string, from, n int) error {
	ctx, p := l.as(ctx, who)
	cal, err := l.svc.Calendar(ctx)
	if err != nil {
		return err
	}
	d := l.today
	for published, ahead := 0, 0; published < n; {
		d = d.AddDate(0, 0, 1)
		if !cal.IsWorkday(d) {
			continue
		}
		if ahead++; ahead < from {
			continue
		}
		if _, err := l.svc.PublishSession(ctx, p, cases.SessionInput{Date: d.Format(time.DateOnly), Start: "09:00", End: "11:30",
			SlotMinutes: 30, Place: place}); err != nil {
			return err
		}
		published++
	}
	return nil
}

// freeSlot is the first free slot of leader's sessions for c.
func (l *liveCounty) freeSlot(ctx context.Context, c *model.Case, leader string) (int64, error) {
	slots, err := l.svc.FreeSlots(ctx, c)
	if err != nil {
		return 0, err
	}
	for _, s := range slots {
		if s.LeaderID == l.people[leader].User.ID {
			return s.ID, nil
		}
	}
	return 0, fmt.Errorf("no free slot of %s for case %d", leader, c.ID)
}

// bookDesk books the first free slot of leader for c at who's desk.
func (l *liveCounty) bookDesk(ctx context.Context, who string, c *model.Case, leader string) error {
	slot, err := l.freeSlot(ctx, c, leader)
	if err != nil {
		return err
	}
	ctx, p := l.as(ctx, who)
	_, err = l.svc.Book(ctx, p, c.ID, slot)
	return err
}

// bookPublic books the first free slot of leader for c as its citizen, by the last
// digits of phone.
func (l *liveCounty) bookPublic(ctx context.Context, c *model.Case, phone, leader string) error {
	slot, err := l.freeSlot(ctx, c, leader)
	if err != nil {
		return err
	}
	_, err = l.svc.BookPublic(ctx, c.TrackingCode, phone[len(phone)-4:], slot)
	return err
}
