package model

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// An outline is taken as one geometry; each mistake is refused with the rule it
// breaks and where (feature, polygon, ring, point).
func TestParseOutline(t *testing.T) {
	square := `[[103.7,35.3],[103.8,35.3],[103.8,35.4],[103.7,35.3]]`
	for _, c := range []struct {
		in, key, want string
	}{
		{in: `{"type":"Polygon","coordinates":[` + square + `]}`, want: `{"type":"Polygon","coordinates":[` + square + `]}`},
		{in: `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[` + square + `]}}`, want: `{"type":"Polygon","coordinates":[` + square + `]}`},
		{in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[` + square + `]}},` +
			`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[` + square + `]]}}]}`,
			want: `{"type":"MultiPolygon","coordinates":[[` + square + `],[` + square + `]]}`},
		{in: ``, key: "invalid.geojson.required"},
		{in: `{"type":`, key: "invalid.geojson.json"},
		{in: `{"type":"Point","coordinates":[1,2]}`, key: "invalid.geojson.type"},
		{in: `{"coordinates":[1,2]}`, key: "invalid.geojson.no_type"},
		{in: `{"type":"FeatureCollection","features":[]}`, key: "invalid.geojson.empty"},
		{in: `{"type":"FeatureCollection","features":[{"type":"Polygon"}]}`, key: "invalid.geojson.feature_type"},
		{in: `{"type":"Feature"}`, key: "invalid.geojson.no_geometry"},
		{in: `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}`, key: "invalid.geojson.geometry_type"},
		{in: `{"type":"Polygon","coordinates":[[1,2]]}`, key: "invalid.geojson.coordinates"},
		{in: `{"type":"Polygon","coordinates":[[[1,2],[3,4],[1,2]]]}`, key: "invalid.geojson.ring_short"},
		{in: `{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[7,8]]]}`, key: "invalid.geojson.ring_open"},
		{in: `{"type":"Polygon","coordinates":[[[1],[3,4],[5,6],[1]]]}`, key: "invalid.geojson.position_size"},
		{in: `{"type":"Polygon","coordinates":[[[1,2],[3,95],[5,6],[1,2]]]}`, key: "invalid.geojson.position_range"},
		{in: `{"type":"MultiPolygon","coordinates":[[]]}`, key: "invalid.geojson.no_rings"},
	} {
		got, err := ParseOutline([]byte(c.in))
		var fe *FieldError
		switch {
		case c.key == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q %v, want %s", c.in, got, err, c.want)
		case c.key != "" && (!errors.As(err, &fe) || fe.Key != c.key || fe.Field != OutlineField):
			t.Errorf("%s: %v, want %s on %s", c.in, err, c.key, OutlineField)
		}
	}
	// The message says where: the third point of the first ring.
	_, err := ParseOutline([]byte(`{"type":"Polygon","coordinates":[[[1,2],[3,4],[500,6],[1,2]]]}`))
	if err == nil || !strings.Contains(err.Error(), "第 3 个点 [500, 6]") {
		t.Errorf("the message reads %v", err)
	}
}

// Whatever arrives, ParseOutline either refuses it with a field error or returns a
// geometry that parses back to itself.
func FuzzParseOutline(f *testing.F) {
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[103.7,35.3],[103.8,35.3],[103.8,35.4],[103.7,35.3]]]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := ParseOutline(raw)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != OutlineField {
				t.Fatalf("%q: %v is not a field error", raw, err)
			}
			return
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("%q gave invalid JSON %q", raw, got)
		}
		again, err := ParseOutline([]byte(got))
		if err != nil || again != got {
			t.Fatalf("%q: %q parses to %q %v", raw, got, again, err)
		}
	})
}
