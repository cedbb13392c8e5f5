// Package demo fills a database with a demo county a newcomer can sign in to.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Password is every demo account's password; README.md documents it.
const Password = "Onedoor@2026"

// County is the demo deployment's root: 康乐县 (Kangle county, Gansu), where the
// work-injury case of seeds/001 was mediated.
const CountyCode = "622922"

// township is a township of the demo county with its own staff: its slug names its
// accounts (fucheng.clerk), and its grids are drawn under three of its real villages
// (two each). The county's other townships and villages are there as the national
// division codes list them, without staff or grids.
type township struct {
	slug, code string
	villages   []string // codes of the villages with grids
}

var townships = []township{
	{"fucheng", "622922100", []string{"622922100200", "622922100201", "622922100202"}}, // 附城镇: 高林湾村, 高丰村, 中园村
	{"suji", "622922101", []string{"622922101206", "622922101201", "622922101207"}},    // 苏集镇: 苏集村, 古洞沟村, 周家沟村
	{"jinggu", "622922103", []string{"622922103204", "622922103201", "622922103202"}},  // 景古镇: 景古村, 安龙村, 八字沟村
}

// countyDepartments are the county-level 职能部门 of DESIGN.md §2.
var countyDepartments = [][2]string{
	{"police", "县公安局"}, {"court", "县人民法院"}, {"procuratorate", "县人民检察院"}, {"justice", "县司法局"},
	{"petition", "县信访局"}, {"hrss", "县人力资源和社会保障局"}, {"housing", "县住房和城乡建设局"},
	{"civil", "县民政局"}, {"health", "县卫生健康局"}, {"market", "县市场监督管理局"},
	{"resources", "县自然资源局"}, {"agriculture", "县农业农村局"}, {"ecology", "县生态环境局"},
}

// townshipDepartments are the township-level departments; the township name prefixes them.
var townshipDepartments = [][2]string{
	{"police-station", "派出所"}, {"justice-office", "司法所"}, {"tribunal", "人民法庭"}, {"labour-office", "劳动保障所"},
}

// Account is one demo user, for README and the browser tests.
type Account struct {
	Username   string
	Name       string
	Role       model.Role
	RegionCode string
	Department string // department code at that region, "" for none
}

var surnames = []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "马", "孙", "何", "罗"}
var givenNames = []string{"建国", "秀兰", "志强", "海燕", "文博", "丽娟", "国栋", "晓梅", "明辉", "春花", "德明", "玉兰", "立新", "雪芳"}

// Accounts lists every demo account: one per role at the county and at each township.
func Accounts() []Account {
	var out []Account
	places := []struct{ slug, code, handlerDept string }{{"county", CountyCode, "hrss"}}
	for _, t := range townships {
		places = append(places, struct{ slug, code, handlerDept string }{t.slug, t.code, "justice-office"})
	}
	i := 0
	for _, pl := range places {
		for _, r := range model.AllRoles {
			a := Account{Username: pl.slug + "." + string(r), Role: r, RegionCode: pl.code,
				Name: surnames[i%len(surnames)] + givenNames[(i*5+i/len(surnames))%len(givenNames)]} // no two alike
			if r == model.RoleHandler {
				a.Department = pl.handlerDept
			}
			out = append(out, a)
			i++
		}
	}
	return out
}

// ErrNotEmpty means the database already has users; the demo never mixes into real data.
var ErrNotEmpty = errors.New("demo: database is not empty")

// SeedCounty creates the demo county in one transaction: regions down to grids,
// departments, and the demo accounts.
func SeedCounty(ctx context.Context, st *store.Store) error {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrNotEmpty
	}
	// One hash for every account: they share the documented password anyway, and
	// hashing 28 times would slow every test that seeds the county.
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	// The county's real townships and villages, from the national division codes.
	all, err := divisions.Bundled()
	if err != nil {
		return err
	}
	tree := divisions.Subtree(all, CountyCode)
	if len(tree) == 0 {
		return fmt.Errorf("demo: %s is not in the division codes", CountyCode)
	}
	staffed := map[string]bool{}
	gridded := map[string]bool{}
	for _, t := range townships {
		staffed[t.code] = true
		for _, v := range t.villages {
			gridded[v] = true
		}
	}
	tree = staffedFirst(tree, []string{"622922100", "622922103", "622922101"})
	// The county may stand in a province made already (SeedProvince): its regions are
	// taken as they are.
	existing, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return err
	}
	made := map[string]int64{}
	for _, g := range existing {
		made[g.Code] = g.ID
	}
	return st.InTx(ctx, store.NotAudited("the demo's generated county"), func(tx *store.Tx) error {
		regionIDs := map[string]int64{}
		deptIDs := map[string]int64{}
		for _, d := range tree {
			g := model.Region{Code: d.Code, Name: d.Name, Level: d.Level}
			switch d.Level {
			case model.LevelVillage:
				g.ParentID = regionIDs[d.Code[:9]]
			case model.LevelTownship:
				g.ParentID = regionIDs[CountyCode]
			}
			if id, ok := made[d.Code]; ok {
				g.ID = id
			} else if err := tx.CreateRegion(ctx, &g); err != nil {
				return err
			}
			regionIDs[d.Code] = g.ID
			switch {
			case d.Level == model.LevelCounty:
				for _, c := range countyDepartments {
					dep := model.Department{RegionID: g.ID, Code: c[0], Name: c[1]}
					if err := tx.CreateDepartment(ctx, &dep); err != nil {
						return err
					}
					deptIDs[CountyCode+"/"+c[0]] = dep.ID
				}
			case d.Level == model.LevelTownship && staffed[d.Code]:
				for _, c := range townshipDepartments {
					dep := model.Department{RegionID: g.ID, Code: c[0], Name: d.Name + c[1]}
					if err := tx.CreateDepartment(ctx, &dep); err != nil {
						return err
					}
					deptIDs[d.Code+"/"+c[0]] = dep.ID
				}
			case d.Level == model.LevelVillage && gridded[d.Code]:
				for gi, gname := range []string{"第一网格", "第二网格"} {
					grid := model.Region{ParentID: g.ID, Code: fmt.Sprintf("%s%02d", d.Code, gi+1), Name: d.Name + gname, Level: model.LevelGrid}
					if err := tx.CreateRegion(ctx, &grid); err != nil {
						return err
					}
				}
			}
		}
		// The hall screen's map: the county's outline and its townships'.
		var towns []string
		for _, d := range tree {
			if d.Level == model.LevelTownship {
				towns = append(towns, d.Code)
			}
		}
		countyOutline, townOutlines := Outlines(len(towns))
		if err := tx.SetRegionOutline(ctx, regionIDs[CountyCode], 0, countyOutline); err != nil {
			return err
		}
		for i, code := range towns {
			if err := tx.SetRegionOutline(ctx, regionIDs[code], 0, townOutlines[i]); err != nil {
				return err
			}
		}
		accounts := Accounts()
		if _, ok := made[ProvinceCode]; ok {
			accounts = append(accounts, ProvinceAccounts()...)
			regionIDs[ProvinceCode] = made[ProvinceCode]
		}
		for _, a := range accounts {
			u := model.User{Username: a.Username, DisplayName: a.Name, RegionID: regionIDs[a.RegionCode], Roles: []model.Role{a.Role}}
			if a.Department != "" {
				u.DepartmentID = deptIDs[a.RegionCode+"/"+a.Department]
			}
			if err := tx.CreateUser(ctx, &u, hash); err != nil {
				return fmt.Errorf("demo user %s: %w", a.Username, err)
			}
		}
		return nil
	})
}

// staffedFirst orders the county's divisions for creation: the county, then the
// subtrees of the staffed townships in the order given, then the rest in code order.
// Ids follow creation: 附城镇 gets 2 and 景古镇 an id beginning with 2 (23), so their
// paths ("/1/2/", "/1/23/") share a beginning and the permission tests catch a subtree
// bound that forgets its closing "/".
func staffedFirst(tree []divisions.Division, first []string) []divisions.Division {
	out := make([]divisions.Division, 0, len(tree))
	taken := map[string]bool{}
	out = append(out, tree[0])
	taken[tree[0].Code] = true
	for _, code := range first {
		for _, d := range tree {
			if strings.HasPrefix(d.Code, code) && !taken[d.Code] {
				out = append(out, d)
				taken[d.Code] = true
			}
		}
	}
	for _, d := range tree {
		if !taken[d.Code] {
			out = append(out, d)
		}
	}
	return out
}
