// Package demo fills a database with a demo county a newcomer can sign in to.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Password is every demo account's password; README.md documents it.
const Password = "Onedoor@2026"

// County is the demo deployment's root: 康乐县 (Kangle county, Gansu), where the
// work-injury case of seeds/001 was mediated.
const CountyCode = "622922"

type township struct {
	slug, code, name string
	villages         []string
}

var townships = []township{
	{"fucheng", "622922100", "附城镇", []string{"城关村", "郭家庄村", "上湾村"}},
	{"suji", "622922101", "苏集镇", []string{"苏集村", "古城村", "王家沟村"}},
	{"jinggu", "622922102", "景古镇", []string{"景古村", "马巴村", "阳山村"}},
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
	return st.InTx(ctx, store.NotAudited("the demo's generated county"), func(tx *store.Tx) error {
		county := model.Region{Code: CountyCode, Name: "康乐县", Level: model.LevelCounty}
		if err := tx.CreateRegion(ctx, &county); err != nil {
			return err
		}
		regionIDs := map[string]int64{CountyCode: county.ID}
		deptIDs := map[string]int64{}
		for _, d := range countyDepartments {
			dep := model.Department{RegionID: county.ID, Code: d[0], Name: d[1]}
			if err := tx.CreateDepartment(ctx, &dep); err != nil {
				return err
			}
			deptIDs[CountyCode+"/"+d[0]] = dep.ID
		}
		for _, t := range townships {
			town := model.Region{ParentID: county.ID, Code: t.code, Name: t.name, Level: model.LevelTownship}
			if err := tx.CreateRegion(ctx, &town); err != nil {
				return err
			}
			regionIDs[t.code] = town.ID
			for _, d := range townshipDepartments {
				dep := model.Department{RegionID: town.ID, Code: d[0], Name: t.name + d[1]}
				if err := tx.CreateDepartment(ctx, &dep); err != nil {
					return err
				}
				deptIDs[t.code+"/"+d[0]] = dep.ID
			}
			for vi, vname := range t.villages {
				village := model.Region{ParentID: town.ID, Code: fmt.Sprintf("%s%03d", t.code, vi+1), Name: vname, Level: model.LevelVillage}
				if err := tx.CreateRegion(ctx, &village); err != nil {
					return err
				}
				for gi, gname := range []string{"第一网格", "第二网格"} {
					grid := model.Region{ParentID: village.ID, Code: fmt.Sprintf("%s%02d", village.Code, gi+1), Name: vname + gname, Level: model.LevelGrid}
					if err := tx.CreateRegion(ctx, &grid); err != nil {
						return err
					}
				}
			}
		}
		// The hall screen's map: the county's outline and its townships'.
		countyOutline, townOutlines := Outlines(len(townships))
		if err := tx.SetRegionOutline(ctx, county.ID, 0, countyOutline); err != nil {
			return err
		}
		for i, t := range townships {
			if err := tx.SetRegionOutline(ctx, regionIDs[t.code], 0, townOutlines[i]); err != nil {
				return err
			}
		}
		for _, a := range Accounts() {
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
