package recommend

import (
	"reflect"
	"testing"
)

// The county is /1/, a township /1/2/, its village /1/2/3/, another township /1/4/.
func TestRank(t *testing.T) {
	labourCase := Case{CategoryCode: "dispute.labour", RegionPath: "/1/2/", Day: "2026-12-07"}
	dvCase := Case{CategoryCode: "dispute.marriage.dv", RegionPath: "/1/2/3/", Day: "2026-12-07"}
	tests := []struct {
		name   string
		people []Person
		c      Case
		limit  int
		want   []int64 // IDs in order
	}{
		{"specialty beats nearness and load", []Person{
			{ID: 1, Name: "甲", Specialties: []string{"dispute.neighbour"}, RegionPath: "/1/2/", Load: 0},
			{ID: 2, Name: "乙", Specialties: []string{"dispute.labour"}, RegionPath: "/1/4/", Load: 9},
		}, labourCase, 0, []int64{2, 1}},
		{"exact before broader before narrower", []Person{
			{ID: 1, Name: "甲", Specialties: []string{"dispute.marriage.divorce"}, RegionPath: "/1/2/3/"},
			{ID: 2, Name: "乙", Specialties: []string{"dispute.marriage"}, RegionPath: "/1/2/3/"},
			{ID: 3, Name: "丙", Specialties: []string{"dispute.labour", "dispute.marriage.dv"}, RegionPath: "/1/2/3/"},
			{ID: 4, Name: "丁", Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/3/"},
		}, dvCase, 0, []int64{3, 2, 1, 4}},
		{"same region, then above (fewer levels first), then below, then elsewhere", []Person{
			{ID: 1, Name: "甲", Specialties: []string{"dispute.labour"}, RegionPath: "/1/4/"},
			{ID: 2, Name: "乙", Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/3/"},
			{ID: 3, Name: "丙", Specialties: []string{"dispute.labour"}, RegionPath: "/1/"},
			{ID: 4, Name: "丁", Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/"},
		}, labourCase, 0, []int64{4, 3, 2, 1}},
		{"nearer levels first above", []Person{
			{ID: 1, Specialties: []string{"dispute.marriage.dv"}, RegionPath: "/1/"},
			{ID: 2, Specialties: []string{"dispute.marriage.dv"}, RegionPath: "/1/2/"},
		}, dvCase, 0, []int64{2, 1}},
		{"lighter load first when equal otherwise", []Person{
			{ID: 1, Name: "甲", Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Load: 5},
			{ID: 2, Name: "乙", Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Load: 1},
		}, labourCase, 0, []int64{2, 1}},
		{"out of the pool that day is left out, the edges kept", []Person{
			{ID: 1, Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Until: "2026-12-06"},
			{ID: 2, Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Since: "2026-12-08"},
			{ID: 3, Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Until: "2026-12-07", Load: 1},
			{ID: 4, Specialties: []string{"dispute.labour"}, RegionPath: "/1/2/", Since: "2026-12-07", Load: 2},
		}, labourCase, 0, []int64{3, 4}},
		{"limit", []Person{
			{ID: 1, Name: "甲", RegionPath: "/1/2/"},
			{ID: 2, Name: "乙", RegionPath: "/1/2/"},
			{ID: 3, Name: "丙", RegionPath: "/1/2/"},
		}, labourCase, 2, []int64{3, 2}}, // by name: 丙 (U+4E19) < 乙 (U+4E59) < 甲 (U+7532)
		{"a prefix that is not a parent does not match", []Person{
			{ID: 1, Specialties: []string{"dispute.lab"}, RegionPath: "/1/2/"},
			{ID: 2, Specialties: []string{"dispute.labour"}, RegionPath: "/1/22/"},
		}, labourCase, 0, []int64{2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, r := range Rank(tt.people, tt.c, tt.limit) {
				got = append(got, r.Person.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Rank = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReasons(t *testing.T) {
	people := []Person{
		{ID: 1, Specialties: []string{"dispute.marriage"}, RegionPath: "/1/", Load: 3},
		{ID: 2, Specialties: []string{"dispute.neighbour"}, RegionPath: "/1/2/3/4/", Load: 0},
		{ID: 3, Specialties: []string{"dispute.marriage.dv"}, RegionPath: "/1/2/3/", Load: 1},
		{ID: 4, Specialties: []string{"dispute.marriage.support"}, RegionPath: "/9/", Load: 2},
	}
	got := map[int64][]Reason{}
	for _, r := range Rank(people, Case{CategoryCode: "dispute.marriage.dv", RegionPath: "/1/2/3/", Day: "2026-12-07"}, 0) {
		got[r.Person.ID] = r.Reasons
	}
	want := map[int64][]Reason{
		1: {{"specialty.broader", "dispute.marriage"}, {"near.above", 2}, {"load", 3}},
		2: {{"specialty.none", nil}, {"near.below", 1}, {"load", 0}},
		3: {{"specialty.exact", "dispute.marriage.dv"}, {"near.same", nil}, {"load", 1}},
		4: {{"specialty.narrower", "dispute.marriage.support"}, {"near.other", nil}, {"load", 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reasons = %v\nwant %v", got, want)
	}
}
