package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onedoor/onedoor/internal/model"
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

// GenerateCases adds n cases to a database that already holds an organisation: spread
// over its villages and grids, categories, channels, urgencies and the last three
// years, each with parties carrying valid ID numbers and phones and its registration
// event. It is deterministic for a seed. Used by benchmarks and `onedoor demo`.
func GenerateCases(ctx context.Context, st *store.Store, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	regions, err := st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	var places2 []model.Region // where cases happen: villages and grids
	centreOf := map[int64]int64{}
	for _, g := range regions {
		if g.Level == model.LevelVillage || g.Level == model.LevelGrid {
			places2 = append(places2, g)
		}
	}
	// The township's centre holds a village's cases, and its grids'.
	for _, g := range regions {
		centreOf[g.ID] = g.ParentID
	}
	for _, g := range places2 {
		if g.Level == model.LevelGrid {
			centreOf[g.ID] = centreOf[g.ParentID]
		}
	}
	if len(places2) == 0 {
		return fmt.Errorf("demo cases: no villages or grids to place cases in")
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	byKind := map[model.CaseKind][]model.Category{}
	for _, c := range cats {
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	users, err := st.Users(ctx, store.UserFilter{Role: model.RoleClerk})
	if err != nil || len(users) == 0 {
		return fmt.Errorf("demo cases: need a clerk to register cases: %v", err)
	}
	kinds := []model.CaseKind{model.KindDispute, model.KindDispute, model.KindDispute, model.KindPetition, model.KindHazard, model.KindService}
	channels := []model.Channel{model.ChannelWalkIn, model.ChannelWalkIn, model.ChannelPhone, model.ChannelPortal, model.ChannelPhoto, model.ChannelGrid, model.ChannelHotline}
	urgencies := []string{"normal", "normal", "normal", "normal", "urgent", "critical"}
	// Recent cases are spread over the open states; older ones are mostly closed, as in
	// a centre that keeps up with its work.
	openStates := []string{"registered", "accepted", "assigned", "in_progress", "in_progress", "resolved", "verified", "followed_up", "suspended"}
	closedStates := []string{"archived", "archived", "archived", "archived", "archived", "archived", "rejected", "merged"}
	now := time.Now().UTC()
	const batch = 2000
	for done := 0; done < n; {
		size := min(batch, n-done)
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < size; i++ {
				kind := kinds[rng.IntN(len(kinds))]
				cat := byKind[kind][rng.IntN(len(byKind[kind]))]
				place := places2[rng.IntN(len(places2))]
				created := now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
				applicant, respondent := personName(rng), personName(rng)
				amount := int64(rng.IntN(200)) * 500
				tpl := templates[kind][rng.IntN(len(templates[kind]))]
				desc := fillTemplate(tpl, applicant, respondent+places[rng.IntN(len(places))], amount)
				state := closedStates[rng.IntN(len(closedStates))]
				if now.Sub(created) < 60*24*time.Hour || rng.IntN(100) == 0 {
					state = openStates[rng.IntN(len(openStates))]
				}
				due := created.AddDate(0, 0, 30)
				c := model.Case{TrackingCode: trackingCode(rng), Kind: kind, CategoryID: cat.ID, CategoryCode: cat.Code,
					Channel: channels[rng.IntN(len(channels))], RegionID: place.ID, RegionPath: place.Path, CentreID: centreOf[place.ID],
					Address: fmt.Sprintf("%s%d组%d号", place.Name, 1+rng.IntN(9), 1+rng.IntN(80)), Title: summariseDemo(desc),
					Description: desc, Urgency: urgencies[rng.IntN(len(urgencies))], PeopleCount: 1 + rng.IntN(3),
					AmountFen: amount * 100, State: state, RegisteredBy: users[rng.IntN(len(users))].ID,
					CreatedAt: created, UpdatedAt: created, DueStage: "handle", DueAt: &due}
				if place.Level == model.LevelGrid {
					c.GridID = place.ID
				}
				if state == "archived" || state == "rejected" || state == "merged" {
					c.DueStage, c.DueAt, c.ClosedAt = "", nil, &due
				}
				birth := time.Date(1950+rng.IntN(55), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
				c.Parties = []model.Party{
					{Role: model.PartyApplicant, Name: applicant, IDNumber: model.MakeIDNumber(CountyCode, birth, rng.IntN(1000)), Phone: phone(rng)},
					{Role: model.PartyRespondent, Name: respondent, Phone: phone(rng)},
				}
				if err := tx.InsertCase(ctx, &c); err != nil {
					return err
				}
				ev := model.CaseEvent{CaseID: c.ID, ActorID: c.RegisteredBy, At: created, Action: "register", ToState: "registered"}
				if err := tx.AppendEvent(ctx, &ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += size
	}
	return st.Analyze(ctx)
}

func personName(rng *rand.Rand) string {
	return surnames[rng.IntN(len(surnames))] + givenNames[rng.IntN(len(givenNames))]
}

func phone(rng *rand.Rand) string {
	prefixes := []string{"138", "139", "150", "158", "177", "186", "189", "133"}
	return fmt.Sprintf("%s%08d", prefixes[rng.IntN(len(prefixes))], rng.IntN(100000000))
}

func trackingCode(rng *rand.Rand) string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 12)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
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
