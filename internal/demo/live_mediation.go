package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// mediationStories are the county's mediation of the last weeks (issue 25), played
// through internal/mediation as the pages and the API do: the organisations and the
// talent pool the admins keep; seed 001's group land case at 高丰村 — its 包案 team,
// a failed session at the centre, legal aid as a case of its own, the lawyer's online
// filing, the court's circuit hearing in the village, the agreement numbered by the
// township committee and signed, the case resolved with it and its judicial
// confirmation window running —; seed 001's labour case mediated by the county's
// labour committee by video, paid on the spot, the parties not applying for
// confirmation; a dispute the county court delegated to the centre (委派调解) within
// its time limit; and a citizen's portal request for a lawyer and a psychologist.
func (l *liveCounty) mediationStories() {
	ms := &mediation.Service{Store: l.st, Cases: l.svc, Now: func() time.Time { return l.clock }}
	ids := map[string]int64{} // organisations and people of the pool, by name

	l.at(l.day(45, 8, 0), "mediation organisations", func(ctx context.Context) error {
		for _, o := range []struct {
			admin, region string
			in            mediation.OrgInput
		}{
			{"county.admin", "康乐县", mediation.OrgInput{Kind: "centre_room", Name: "县综治中心驻中心调解室", Categories: []string{"dispute.neighbour", "dispute.marriage", "dispute.contract"}, Phone: "0930-4421100", Address: "县综治中心一楼", Active: true}},
			{"county.admin", "康乐县", mediation.OrgInput{Kind: "trade", Name: "康乐县劳动人事争议调解委员会", Categories: []string{"dispute.labour"}, Phone: "0930-4421188", Address: "县人社局三楼", Active: true, NumberPrefix: "康劳调字"}},
			{"county.admin", "康乐县", mediation.OrgInput{Kind: "court", Name: "县人民法院诉前调解工作室", Categories: []string{"dispute.contract", "dispute.land"}, Address: "县综治中心二楼", Active: true}},
			{"fucheng.admin", "附城镇", mediation.OrgInput{Kind: "township", Name: "附城镇人民调解委员会", Categories: []string{"dispute.land", "dispute.neighbour", "dispute.marriage"}, Phone: "0930-4425010", Address: "附城镇综治中心", Active: true}},
		} {
			ctx, p := l.as(ctx, o.admin)
			o.in.RegionID = l.regions[o.region].ID
			saved, err := ms.SaveOrg(ctx, p, 0, o.in)
			if err != nil {
				return fmt.Errorf("%s: %w", o.in.Name, err)
			}
			ids[saved.Name] = saved.ID
		}
		for _, t := range []struct {
			admin, region string
			in            mediation.TalentInput
		}{
			{"county.admin", "康乐县", mediation.TalentInput{Kind: "lawyer", Name: "王建国", Specialties: []string{"dispute.labour", "dispute.contract"}, Phone: "13909301101", Employer: "甘肃康乐律师事务所", Since: "2025-01-01"}},
			{"county.admin", "康乐县", mediation.TalentInput{Kind: "legal_aid", Name: "马永福", Specialties: []string{"dispute.land", "dispute.labour"}, Phone: "13909301102", Employer: "县法律援助中心", Since: "2024-03-01"}},
			{"county.admin", "康乐县", mediation.TalentInput{Kind: "psychologist", Name: "李晓梅", Specialties: []string{"dispute.marriage", "service.psych"}, Phone: "13909301103", Employer: "县人民医院心理科", Since: "2025-06-01"}},
			{"fucheng.admin", "附城镇", mediation.TalentInput{Kind: "mediator_full", Name: "张秀英", Specialties: []string{"dispute.land", "dispute.neighbour"}, Phone: "13909301104", Employer: "附城镇司法所", Since: "2023-01-01"}},
			{"fucheng.admin", "高丰村", mediation.TalentInput{Kind: "mediator_part", Name: "韩志明", Specialties: []string{"dispute.land"}, Phone: "13909301105", Employer: "高丰村村委会", Since: "2024-01-01"}},
		} {
			ctx, p := l.as(ctx, t.admin)
			t.in.RegionID = l.regions[t.region].ID
			var known []string // a category the dictionary lacks is left out
			for _, s := range t.in.Specialties {
				if l.cats[s] != 0 {
					known = append(known, s)
				}
			}
			t.in.Specialties = known
			saved, err := ms.SaveTalent(ctx, p, 0, t.in)
			if err != nil {
				return fmt.Errorf("%s: %w", t.in.Name, err)
			}
			ids[saved.Name] = saved.ID
		}
		ctx, p := l.as(ctx, "fucheng.admin")
		if _, err := ms.AddMember(ctx, p, ids["附城镇人民调解委员会"], mediation.MemberInput{TalentID: ids["张秀英"], Post: "主任"}); err != nil {
			return err
		}
		_, err := ms.AddMember(ctx, p, ids["附城镇人民调解委员会"], mediation.MemberInput{UserID: l.people["fucheng.mediator"].User.ID, Post: "委员"})
		return err
	})

	// Seed 001's group land case, here at 高丰村.
	group := l.register(l.day(30, 9, 30), "fucheng.clerk", cases.RegisterInput{Kind: model.KindDispute, CategoryID: l.cats["dispute.land"], Channel: model.ChannelWalkIn,
		RegionID: l.regions["高丰村"].ID, Address: "附城镇高丰村", Title: "高丰村48户村民土地流转费纠纷",
		Description: "高丰村48户村民将承包山地流转给关某种植苗木，关某拖欠两年流转费共12.6万元未付，村民推选代表请求镇综治中心帮助维权。",
		Households:  48, PeopleCount: 176, AmountYuan: 126000,
		Parties: []cases.PartyInput{{Role: model.PartyRepresentative, Name: "马文清", Phone: "13893012301"}, {Role: model.PartyRepresentative, Name: "韩国华", Phone: "13893012302"},
			{Role: model.PartyRespondent, Name: "关某", Phone: "13893012303"}}})
	group.then(l.day(30, 9, 50), "fucheng.clerk", workflow.ActionAccept, cases.ActInput{Note: "群体性纠纷，予以受理，镇综治中心组织调解。"}).
		then(l.day(30, 10, 0), "fucheng.clerk", workflow.ActionHandle, cases.ActInput{Note: "由镇人民调解委员会调解。"})
	// team puts an account (member) or a person of the pool (by name) on c's team.
	team := func(t time.Time, c *story, who, role, member, person string) {
		l.at(t, "team", func(ctx context.Context) error {
			ctx, p := l.as(ctx, who)
			in := mediation.TeamInput{Role: role, TalentID: ids[person]}
			if member != "" {
				in.UserID = l.people[member].User.ID
			}
			_, err := ms.AddTeamMember(ctx, p, c.c.ID, in)
			return err
		})
	}
	team(l.day(30, 10, 10), group, "fucheng.clerk", "lead", "fucheng.leader", "")
	team(l.day(30, 10, 12), group, "fucheng.clerk", "mediator", "", "张秀英")
	team(l.day(30, 10, 14), group, "fucheng.clerk", "tracking", "county.clerk", "")
	// session records a session held an hour and a half before t, by org (by name).
	session := func(t time.Time, c *story, who, org string, in mediation.SessionInput) {
		l.at(t, "session", func(ctx context.Context) error {
			ctx, p := l.as(ctx, who)
			in.OrgID, in.HeldAt = ids[org], t.Add(-90*time.Minute)
			_, err := ms.RecordSession(ctx, p, c.c.ID, in)
			return err
		})
	}
	session(l.day(28, 17, 0), group, "fucheng.mediator", "附城镇人民调解委员会", mediation.SessionInput{Venue: "centre", Mediators: "张秀英、孙雪芳",
		Attendees: "村民代表马文清、韩国华，关某", Result: "failed", WhyNot: "关某称苗木未成材、资金困难，只愿支付一半，村民代表不同意。",
		Statements: []store.Statement{{Side: "村民代表", Said: "按合同每亩每年300元，两年共12.6万元，一次付清。"}, {Side: "关某", Said: "苗木未成材，资金周转困难，只能先付一半。"}}})

	// Legal aid, as a case of its own, linked; its lawyer files online.
	aid := l.register(l.day(27, 9, 0), "fucheng.clerk", cases.RegisterInput{Kind: model.KindService, CategoryID: l.cats["service.legal_aid"], Channel: model.ChannelWalkIn,
		RegionID: l.regions["高丰村"].ID, Description: "高丰村48户村民土地流转费纠纷调解不成，村民代表申请法律援助，请律师代为起诉。", Households: 48,
		Parties: []cases.PartyInput{{Role: model.PartyRepresentative, Name: "马文清", Phone: "13893012301"}}})
	refer := func(t time.Time, c *story, who string, in func() mediation.ReferralInput, then func(f store.Referral)) {
		l.at(t, "referral", func(ctx context.Context) error {
			ctx, p := l.as(ctx, who)
			f, err := ms.AddReferral(ctx, p, c.c.ID, in())
			if err == nil && then != nil {
				then(f)
			}
			return err
		})
	}
	result := func(t time.Time, c *story, who string, ref *int64, in mediation.ReferralResultInput) {
		l.at(t, "referral result", func(ctx context.Context) error {
			ctx, p := l.as(ctx, who)
			in.On = t.In(workflow.ChinaTime).Format(time.DateOnly)
			_, err := ms.CloseReferral(ctx, p, c.c.ID, *ref, in)
			return err
		})
	}
	var aidRef, filingRef, circuitRef, delegatedRef int64
	refer(l.day(27, 9, 20), group, "fucheng.clerk", func() mediation.ReferralInput {
		return mediation.ReferralInput{Kind: "legal_aid", Body: "康乐县法律援助中心", LinkedCode: aid.c.TrackingCode, Note: "调解不成，帮助村民申请法律援助"}
	}, func(f store.Referral) { aidRef = f.ID })
	result(l.day(26, 15, 0), group, "fucheng.clerk", &aidRef, mediation.ReferralResultInput{Result: "granted", Note: "指派马永福律师"})
	team(l.day(26, 15, 10), group, "fucheng.clerk", "lawyer", "", "马永福")
	refer(l.day(24, 10, 0), group, "fucheng.clerk", func() mediation.ReferralInput {
		return mediation.ReferralInput{Kind: "online_filing", Body: "康乐县人民法院", Note: "法律援助律师马永福网上立案"}
	}, func(f store.Referral) { filingRef = f.ID })
	result(l.day(22, 16, 0), group, "fucheng.clerk", &filingRef, mediation.ReferralResultInput{Result: "filed", ExternalNo: "（2026）甘2922民初1187号"})
	refer(l.day(15, 9, 0), group, "fucheng.clerk", func() mediation.ReferralInput {
		at := l.day(12, 9, 30)
		return mediation.ReferralInput{Kind: "circuit_trial", Body: "康乐县人民法院附城人民法庭", ExternalNo: "（2026）甘2922民初1187号", SessionAt: &at, Note: "就地开庭，方便村民参加"}
	}, func(f store.Referral) { circuitRef = f.ID })
	session(l.day(12, 12, 0), group, "fucheng.mediator", "附城镇人民调解委员会", mediation.SessionInput{Venue: "circuit_court", Place: "高丰村村委会", Mediators: "法官马志远、张秀英",
		Attendees: "村民代表马文清、韩国华，关某，法律援助律师马永福", Result: "agreed", Agreed: "解除流转合同，关某分两期支付流转费12.6万元，苗木由关某限期移走。",
		Statements: []store.Statement{{Side: "村民代表", Said: "同意分两期，但须写明期限。"}, {Side: "关某", Said: "同意解除合同，年底前付清。"}}})
	result(l.day(12, 14, 0), group, "fucheng.clerk", &circuitRef, mediation.ReferralResultInput{Result: "mediated", Note: "巡回审判就地调解"})
	var groupAgreement store.Agreement
	l.at(l.day(12, 15, 0), "agreement", func(ctx context.Context) error {
		ctx, p := l.as(ctx, "fucheng.mediator")
		var err error
		groupAgreement, err = ms.DraftAgreement(ctx, p, group.c.ID, mediation.AgreementInput{OrgID: ids["附城镇人民调解委员会"],
			Facts: "高丰村48户村民与关某签订《土地承包经营权流转合同》，将承包山地流转给关某种植苗木；关某拖欠两年流转费共12.6万元未付。",
			Items: "流转费的支付；流转合同的解除；地上苗木的处置。", Responsibilities: "关某未按合同约定支付流转费，应承担违约责任。",
			Content:    "一、解除双方签订的土地流转合同；二、关某支付流转费12.6万元，首期6.3万元于签订之日起十日内支付，余款于本年12月31日前付清；三、关某于明年3月31日前移走地上苗木。",
			PerformWay: "转账至高丰村村集体账户，由村委会分发各户", PerformBy: l.day(-19, 0, 0).In(workflow.ChinaTime).Format(time.DateOnly), Mediator: "张秀英"})
		return err
	})
	l.at(l.day(11, 10, 0), "agreement signed", func(ctx context.Context) error {
		ctx, p := l.as(ctx, "fucheng.mediator")
		att, err := l.svc.Attach(ctx, p, group.c.ID, cases.AttachInput{Name: "调解协议书（签字盖章本）.png", Data: streetPhoto(false)})
		if err != nil {
			return err
		}
		_, err = ms.SignAgreement(ctx, p, groupAgreement.ID, mediation.SignInput{SignedOn: l.day(11, 0, 0).In(workflow.ChinaTime).Format(time.DateOnly), AttachmentID: att.ID})
		return err
	})
	group.then(l.day(11, 11, 0), "fucheng.mediator", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeMediatedAgreement),
		Note: "巡回审判就地调解成功，签订调解协议书，待当事人申请司法确认。"})

	// Seed 001's labour case, mediated by the county's labour committee by video.
	injury := l.register(l.day(6, 9, 0), "county.clerk", cases.RegisterInput{Kind: model.KindDispute, CategoryID: l.cats["dispute.labour"], Channel: model.ChannelWalkIn,
		RegionID: l.regions["高林湾村"].ID, Description: "高某受雇在工地务工时右手中指被搅拌机夹断，与工地负责人就工伤赔偿协商未果，请求中心协调。",
		Parties: []cases.PartyInput{{Name: "高某", Phone: "13893012401"}, {Role: model.PartyRespondent, Name: "某建筑工程公司"}}})
	injury.then(l.day(6, 9, 20), "county.clerk", workflow.ActionAccept, cases.ActInput{Note: "予以受理，由县劳动人事争议调解委员会调解。"}).
		then(l.day(6, 9, 30), "county.clerk", workflow.ActionHandle, cases.ActInput{Note: "组织县法院、检察院、劳动监察大队专业人员共同调解。"})
	team(l.day(6, 9, 40), injury, "county.clerk", "mediator", "county.mediator", "")
	team(l.day(6, 9, 42), injury, "county.clerk", "lawyer", "", "王建国")
	session(l.day(5, 16, 0), injury, "county.mediator", "康乐县劳动人事争议调解委员会", mediation.SessionInput{Venue: "video", Mediators: "县劳动人事争议调解委员会 周海军",
		Attendees: "高某，公司负责人，律师王建国", Result: "agreed", Agreed: "公司一次性支付高某工伤赔偿金7万元，当场付清。",
		Statements: []store.Statement{{Side: "高某", Said: "按《工伤保险条例》要求赔偿医疗费、误工费和伤残补助。"}, {Side: "公司", Said: "承认用工关系，同意一次性赔偿。"}}})
	var labourAgreement store.Agreement
	l.at(l.day(5, 16, 30), "agreement", func(ctx context.Context) error {
		ctx, p := l.as(ctx, "county.mediator")
		var err error
		labourAgreement, err = ms.DraftAgreement(ctx, p, injury.c.ID, mediation.AgreementInput{OrgID: ids["康乐县劳动人事争议调解委员会"],
			Facts: "高某受雇于某建筑工程公司，在工地务工时右手中指被搅拌机夹断。", Items: "工伤赔偿。", Responsibilities: "公司作为用工单位承担工伤赔偿责任。",
			Content: "公司一次性支付高某工伤赔偿金人民币7万元，此后双方再无争议。", PerformWay: "现场支付现金", PerformBy: l.day(5, 0, 0).In(workflow.ChinaTime).Format(time.DateOnly), Mediator: "周海军"})
		return err
	})
	l.at(l.day(5, 17, 0), "agreement signed", func(ctx context.Context) error {
		ctx, p := l.as(ctx, "county.mediator")
		att, err := l.svc.Attach(ctx, p, injury.c.ID, cases.AttachInput{Name: "工伤赔偿调解协议书（签字本）.png", Data: streetPhoto(false)})
		if err != nil {
			return err
		}
		day := l.day(5, 0, 0).In(workflow.ChinaTime).Format(time.DateOnly)
		if _, err = ms.SignAgreement(ctx, p, labourAgreement.ID, mediation.SignInput{SignedOn: day, AttachmentID: att.ID}); err != nil {
			return err
		}
		_, err = ms.RecordPerformance(ctx, p, labourAgreement.ID, mediation.PerformanceInput{Performed: "performed", On: day, Note: "工地负责人现场支付7万元"})
		return err
	})
	injury.then(l.day(5, 17, 10), "county.mediator", workflow.ActionResolve, cases.ActInput{Outcome: string(workflow.OutcomeMediatedAgreement), Note: "调解成功，赔偿当场付清。"})
	l.at(l.day(5, 17, 20), "confirmation waived", func(ctx context.Context) error {
		ctx, p := l.as(ctx, "county.mediator")
		_, err := ms.Confirm(ctx, p, labourAgreement.ID, mediation.ConfirmInput{Step: "waive", Note: "赔偿已当场付清，双方不申请司法确认。"})
		return err
	})

	// A contract dispute the county court delegated to the centre before filing.
	delegated := l.register(l.day(3, 14, 0), "county.clerk", cases.RegisterInput{Kind: model.KindDispute, CategoryID: l.cats["dispute.contract"], Channel: model.ChannelWalkIn,
		RegionID: l.regions["高林湾村"].ID, Description: "县人民法院委派调解：马某诉某农资店买卖合同纠纷，种子质量问题致减产，请求赔偿损失。",
		Parties: []cases.PartyInput{{Name: "马学军", Phone: "13893012501"}, {Role: model.PartyRespondent, Name: "某农资店"}}})
	delegated.then(l.day(3, 14, 10), "county.clerk", workflow.ActionAccept, cases.ActInput{Note: "法院委派，予以受理。"}).
		then(l.day(3, 14, 20), "county.clerk", workflow.ActionHandle, cases.ActInput{Note: "由驻中心调解室调解。"})
	refer(l.day(3, 14, 30), delegated, "county.clerk", func() mediation.ReferralInput {
		return mediation.ReferralInput{Kind: "delegated", Body: "康乐县人民法院", ExternalNo: "（2026）甘2922民诉前调2051号",
			TimeLimit: l.day(-27, 0, 0).In(workflow.ChinaTime).Format(time.DateOnly), Note: "诉前委派调解，期限30日"}
	}, func(f store.Referral) { delegatedRef = f.ID })
	_ = delegatedRef

	// A citizen asks on the portal for a lawyer and a psychologist; the lawyer is named.
	marriage := l.portal(l.day(2, 20, 30), cases.PublicInput{Kind: model.KindDispute, CategoryID: l.cats["dispute.marriage"], Channel: model.ChannelPortal,
		RegionID: l.regions["高林湾村"].ID, Description: "丈夫长期酗酒，家中争吵不断，想咨询离婚和孩子抚养问题，也想找人疏导情绪。", Name: "田女士", Phone: "13993016677"})
	l.at(l.day(2, 20, 35), "help request", func(ctx context.Context) error {
		_, err := ms.RequestHelp(store.WithActor(ctx, store.Actor{Name: "citizen", IP: "10.0.0.66"}), &marriage.c, []string{"lawyer", "psychologist"}, "希望女律师", "portal")
		return err
	})
	marriage.then(l.day(1, 9, 0), "fucheng.clerk", workflow.ActionAccept, cases.ActInput{Note: "予以受理。"})
	team(l.day(1, 9, 10), marriage, "fucheng.clerk", "psychologist", "", "李晓梅")
}
