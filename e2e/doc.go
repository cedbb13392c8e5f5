// Package e2e drives onedoor's pages in a real headless Chromium with chromedp:
// every demo account signs in and out, an admin edits the organisation through the
// forms, the language switches, the pages fit a phone, and no page logs an error or
// breaks the Content-Security-Policy.
//
// The tests look for Chromium at $ONEDOOR_CHROMIUM, then for chromium,
// chromium-browser or google-chrome on the PATH. Without one they skip, except when
// CI is set: there the browser suite must run, so a missing browser fails it.
//
//	apt-get install -y chromium
//	go test ./e2e/
//
// The package has only tests; this file holds its documentation.
package e2e
