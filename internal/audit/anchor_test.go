package audit_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// clock is a test's time, one minute further at every reading.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { c.t = c.t.Add(time.Minute); return c.t }

func newAnchorer(t *testing.T, st *store.Store, log *bytes.Buffer) *audit.Anchorer {
	return &audit.Anchorer{Store: st, Path: filepath.Join(t.TempDir(), "sub", "onedoor.audit-anchors"), Node: "node-a",
		Now: (&clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}).Now, Log: slog.New(slog.NewTextHandler(log, nil))}
}

// Every tick of the interval's ticker writes an anchor of the head as it is then, and
// the loop ends with its context: the interval is the ticker's business, so a test
// drives it without waiting an hour.
func TestAnchorAtEveryTick(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		var log bytes.Buffer
		a := newAnchorer(t, st, &log)
		ticks := make(chan time.Time)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); a.Run(ctx, ticks) }()
		for i := 0; i < 3; i++ {
			if err := st.Audit(ctx, "test.tick", "test:tick", "每小时锚定"); err != nil {
				t.Fatal(err)
			}
			ticks <- time.Now()
		}
		// The loop takes the next tick only after its anchor of the last is written;
		// the anchor of this one may be cut short by the cancel.
		ticks <- time.Now()
		cancel()
		<-done
		anchors, err := audit.ReadAnchors(a.Path)
		if err != nil || len(anchors) < 3 || len(anchors) > 4 {
			t.Fatalf("%d anchors after 3 ticks and a fourth, %v", len(anchors), err)
		}
		for i, an := range anchors {
			if an.Reason != "interval" || an.Node != "node-a" || an.KeyID == "" || (i > 0 && (an.Seq < anchors[i-1].Seq || !an.At.After(anchors[i-1].At))) {
				t.Errorf("anchor %d: %+v", i, an)
			}
		}
		if third := anchors[2]; third.Seq != 3 {
			t.Fatalf("the third tick's anchor is of row %d, want 3", third.Seq)
		}
		if n, brk, err := st.VerifyAudit(context.Background(), anchors...); err != nil || brk != nil || n != 3 {
			t.Fatalf("chain against its anchors: %d rows, break %+v, %v", n, brk, err)
		}
	})
}

// The anchor file must take the anchor; the webhook is told when set, signed, and a
// webhook that fails does not keep the anchor from the file.
func TestAnchorFileAndWebhook(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Audit(ctx, "test.anchor", "test:1", "锚定"); err != nil {
			t.Fatal(err)
		}
		var status atomic.Int32
		status.Store(http.StatusOK)
		posted := make(chan []byte, 2)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("X-Onedoor-Signature") != notify.Sign("s", body) {
				t.Errorf("unsigned anchor")
			}
			posted <- body
			w.WriteHeader(int(status.Load()))
		}))
		defer hook.Close()
		var log bytes.Buffer
		a := newAnchorer(t, st, &log)
		a.Webhook = &notify.Webhook{URL: hook.URL, Secret: "s"}
		head, err := a.Anchor(ctx, "start")
		if got := <-posted; err != nil || head.Seq != 1 || !strings.Contains(string(got), `"kind":"audit.anchor","seq":1,"hash":"`+head.Hash+`"`) {
			t.Fatalf("anchor %+v, %v; posted %s", head, err, got)
		}
		status.Store(http.StatusInternalServerError)
		if _, err := a.Anchor(ctx, "interval"); err != nil || !strings.Contains(log.String(), "audit anchor: webhook") {
			t.Fatalf("a failing webhook: %v\n%s", err, log.String())
		}
		if anchors, err := audit.ReadAnchors(a.Path); err != nil || len(anchors) != 2 {
			t.Fatalf("anchors %+v, %v", anchors, err)
		}
		info, err := os.Stat(a.Path)
		if err != nil || info.Mode().Perm() != 0o640 {
			t.Fatalf("anchor file %v %v", info, err)
		}

		a.Path = t.TempDir() // a folder: the anchor cannot be written
		if _, err := a.Anchor(ctx, "start"); err == nil || !strings.Contains(err.Error(), "audit anchor file") {
			t.Fatalf("anchor to a folder: %v", err)
		}
	})
}

// A server that starts behind its anchors (rows cut, or a backup restored) says so.
func TestWarnIfBehind(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		var log bytes.Buffer
		a := newAnchorer(t, st, &log)
		os.MkdirAll(filepath.Dir(a.Path), 0o750)
		os.WriteFile(a.Path, []byte(`{"seq":0,"hash":""}`+"\n"), 0o640)
		a.WarnIfBehind(context.Background())
		if log.Len() != 0 {
			t.Fatalf("warned at an empty chain anchored empty: %s", log.String())
		}
		os.WriteFile(a.Path, []byte(`{"seq":7,"hash":"abc","node":"node-b"}`+"\n"), 0o640)
		a.WarnIfBehind(context.Background())
		if !strings.Contains(log.String(), "rows are missing from its end") || !strings.Contains(log.String(), "anchor_seq=7") {
			t.Fatalf("no warning with the chain behind its anchor: %s", log.String())
		}
	})
}

func TestParseAnchors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       int
		wantErr    string
	}{
		{"empty", "", 0, ""},
		{"two", "{\"seq\":1,\"hash\":\"a\"}\n\n{\"seq\":2,\"hash\":\"b\"}\n", 2, ""},
		{"torn last line", "{\"seq\":1,\"hash\":\"a\"}\n{\"seq\":2,\"ha", 1, ""},
		{"a bad line", "{\"seq\":1,\"hash\":\"a\"}\nnot json\n{\"seq\":2,\"hash\":\"b\"}\n", 0, "line 2: not an anchor"},
		{"a negative seq", "{\"seq\":-1,\"hash\":\"a\"}\n", 0, "line 1"},
		{"a seq without a hash", "{\"seq\":3}\n", 0, "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := audit.ParseAnchors([]byte(tc.text))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(got) != tc.want {
				t.Fatalf("%d anchors, %v; want %d", len(got), err, tc.want)
			}
		})
	}
	if got, err := audit.ReadAnchors(filepath.Join(t.TempDir(), "none")); got != nil || err != nil {
		t.Fatalf("a missing file: %v %v", got, err)
	}
}

func FuzzParseAnchors(f *testing.F) {
	f.Add([]byte("{\"seq\":1,\"hash\":\"a\",\"at\":\"2026-12-07T09:00:00Z\"}\n{\"seq\":2"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		anchors, err := audit.ParseAnchors(raw)
		for _, a := range anchors {
			if err != nil || a.Seq < 0 || a.Seq > 0 && a.Hash == "" {
				t.Fatalf("anchor %+v accepted from %q (err %v)", a, raw, err)
			}
		}
	})
}

func TestParseKeys(t *testing.T) {
	k1, k2 := strings.Repeat("ab", 32), strings.Repeat("cd", 40)
	for _, tc := range []struct {
		name, text string
		want       int
		wantErr    string
	}{
		{"a key file", "# onedoor audit key, created today\n" + k1 + "\n", 1, ""},
		{"rotated", k1 + "\n# rotated, later\n" + k2 + "\n", 2, ""},
		{"the variable, comma-separated", k1 + ", " + k2, 2, ""},
		{"too short", strings.Repeat("ab", 31), 0, "line 1: an audit key needs at least 32 bytes"},
		{"not hex", "# c\nzz" + k1, 0, "line 2: an audit key is hexadecimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := audit.ParseKeys(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(keys) != tc.want {
				t.Fatalf("%d keys, %v; want %d", len(keys), err, tc.want)
			}
		})
	}
	if _, err := audit.ReadKeys(audit.KeySource{Value: "# only a comment"}); err == nil || !strings.Contains(err.Error(), "ONEDOOR_AUDIT_KEY holds no audit key") {
		t.Fatalf("a key setting without a key: %v", err)
	}
}

func FuzzParseKeys(f *testing.F) {
	f.Add(strings.Repeat("ab", 32) + "\n# c, d\n" + strings.Repeat("0", 64))
	f.Fuzz(func(t *testing.T, text string) {
		keys, err := audit.ParseKeys(text)
		for _, k := range keys {
			if _, herr := hex.DecodeString(k.ID); err != nil || herr != nil || len(k.ID) != 16 {
				t.Fatalf("key id %q from %q (err %v)", k.ID, text, err)
			}
		}
	})
}

// The first start of a log never keyed makes the key file; later ones read it; a log
// keyed with a key that is not there is refused, and no key is made up for it.
func TestUseKeys(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			src := audit.KeySource{Path: filepath.Join(t.TempDir(), "keys", "onedoor.audit-key")}
			if err := audit.UseKeys(ctx, testutil.OpenStore(t, dsn), src, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			made, err := audit.ReadKeys(src)
			if err != nil || len(made) != 1 {
				t.Fatalf("key file after the first start: %v %v", made, err)
			}
			st := testutil.OpenStore(t, dsn)
			if err := audit.UseKeys(ctx, st, src, slog.New(slog.DiscardHandler)); err != nil || st.AuditKeyIDs()[0] != made[0].ID {
				t.Fatalf("second start: %v, keys %v", err, st.AuditKeyIDs())
			}
			if err := st.Audit(ctx, "test.keyed", "test:1", "已签"); err != nil {
				t.Fatal(err)
			}

			lost := audit.KeySource{Path: filepath.Join(t.TempDir(), "onedoor.audit-key")}
			err = audit.UseKeys(ctx, testutil.OpenStore(t, dsn), lost, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "sealed with key "+made[0].ID) {
				t.Fatalf("key lost: %v", err)
			}
			if _, serr := os.Stat(lost.Path); !os.IsNotExist(serr) {
				t.Fatalf("a key was made up for a keyed log: %v", serr)
			}
			verifier := testutil.OpenStore(t, dsn)
			if err := audit.VerifierKeys(ctx, verifier, lost); err == nil || !strings.Contains(err.Error(), "give audit-verify the key") {
				t.Fatalf("verifier without the key: %v", err)
			}
			if err := audit.VerifierKeys(ctx, verifier, src); err != nil {
				t.Fatal(err)
			}
			if n, brk, err := verifier.VerifyAudit(ctx); err != nil || brk != nil || n != 1 {
				t.Fatalf("verified with the key file: %d, %+v, %v", n, brk, err)
			}
		})
	}
}
