// Package templates embeds the HTML templates. Every word on a page comes from the
// i18n catalogue through {{.T "key"}}; templates hold structure only.
package templates

import "embed"

// FS holds layout.html, the partials shared by several pages (partial_*.html) and
// one file per page.
//
//go:embed *.html
var FS embed.FS
