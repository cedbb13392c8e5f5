// Package static serves the embedded CSS, JavaScript and images under content-hashed
// names (app.css → app.3f9a1c2b.css), so browsers may cache them for a year and still
// see a new version the moment it ships.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed files
var files embed.FS

type asset struct {
	name string // the file's own name
	body []byte
	etag string
}

var (
	byHashed = map[string]*asset{} // hashed name -> asset
	hashedOf = map[string]string{} // own name -> hashed name
)

func init() {
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + h + ext
		byHashed[hashed] = &asset{name: name, body: body, etag: `"` + h + `"`}
		hashedOf[name] = hashed
		return nil
	})
	if err != nil {
		panic(err)
	}
}

// Prefix is where assets are served.
const Prefix = "/static/"

// URL returns the content-hashed URL of an embedded asset. It panics on an unknown
// name; the page templates' names are checked with Has when the server is built.
func URL(name string) string {
	h, ok := hashedOf[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return Prefix + h
}

// Has reports whether name is an embedded asset.
func Has(name string) bool {
	_, ok := hashedOf[name]
	return ok
}

// Handler serves assets by their hashed names with year-long immutable caching.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := mime.TypeByExtension(path.Ext(a.name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", a.etag)
		if r.Header.Get("If-None-Match") == a.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(a.body)
	})
}
