package model

import (
	"testing"
	"unicode/utf8"
)

func TestHeadline(t *testing.T) {
	for _, tc := range []struct {
		text string
		max  int
		want string
	}{
		{"楼上邻居装修噪音扰民。", 30, "楼上邻居装修噪音扰民。"},                                       // fits: whole
		{"  第一行\n第二行很长很长很长很长很长很长", 5, "第一行"},                                     // the first line only
		{"城关村居民反映楼上邻居夜间装修噪音扰民，多次协商未果，请求调解。", 20, "城关村居民反映楼上邻居夜间装修噪音扰民…"},         // at the clause mark
		{"城关村居民反映楼上邻居夜间装修噪音扰民，多次协商未果，请求调解。", 28, "城关村居民反映楼上邻居夜间装修噪音扰民，多次协商未果…"},  // at the last mark in room
		{"工地农民工反映被拖欠工资860000元多次讨薪未果", 16, "工地农民工反映被拖欠工资…"},                       // before the number, not inside it
		{"The neighbour's dog barks all night long", 20, "The neighbour's dog…"}, // at a space
		{"Open311接口提交的事项需要补充材料才能办理下去", 12, "Open311接口提交…"},                       // no mark: at the room's end
		{"黄德明反映邻居翻建房屋时挖断其院墙地基墙体开裂", 10, "黄德明反映邻居翻建…"},                            // no mark, no run: at the room's end
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"},                         // one run fills the room
		{"短，很长很长很长很长很长很长很长", 12, "短，很长很长很长很长很…"},                                 // a mark too early is no place to stop
	} {
		got := Headline(tc.text, tc.max)
		if got != tc.want {
			t.Errorf("Headline(%q, %d) = %q, want %q", tc.text, tc.max, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > tc.max {
			t.Errorf("Headline(%q, %d) is %d long", tc.text, tc.max, n)
		}
	}
}
