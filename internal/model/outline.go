package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
)

// Limits of a region's outline: the hall screen draws every outline of a county at
// each refresh, so an outline is a simplified polygon, not a survey.
const (
	OutlineMaxBytes  = 2 << 20
	OutlineMaxPoints = 50000
)

// OutlineField is the form and API field an outline arrives in.
const OutlineField = "geojson"

// geoObject is any GeoJSON object, read loosely so that each mistake can be named.
type geoObject struct {
	Type        string          `json:"type"`
	Features    []geoObject     `json:"features"`
	Geometry    *geoObject      `json:"geometry"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ParseOutline checks an uploaded region outline — a GeoJSON FeatureCollection,
// Feature, Polygon or MultiPolygon, in WGS-84 longitude and latitude — and returns
// it as one geometry (a Polygon, or a MultiPolygon of all its polygons) in compact
// JSON. A mistake is a field error naming what is wrong and where: which feature,
// polygon, ring and point.
func ParseOutline(raw []byte) (string, error) {
	bad := func(code, key string, args ...any) error { return Invalid(OutlineField, code, key, args...) }
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", bad("required", "invalid.geojson.required")
	}
	if len(raw) > OutlineMaxBytes {
		return "", bad("too_large", "invalid.geojson.too_large", OutlineMaxBytes>>10)
	}
	var top geoObject
	if err := json.Unmarshal(raw, &top); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return "", bad("json", "invalid.geojson.json", syn.Offset)
		case errors.As(err, &typ):
			return "", bad("json", "invalid.geojson.json_shape", typ.Field)
		}
		return "", bad("json", "invalid.geojson.json", 0)
	}
	var geometries []*geoObject
	switch top.Type {
	case "FeatureCollection":
		for i := range top.Features {
			f := &top.Features[i]
			if f.Type != "Feature" {
				return "", bad("feature", "invalid.geojson.feature_type", i+1, f.Type)
			}
			if f.Geometry == nil {
				return "", bad("geometry", "invalid.geojson.no_geometry", i+1)
			}
			geometries = append(geometries, f.Geometry)
		}
	case "Feature":
		if top.Geometry == nil {
			return "", bad("geometry", "invalid.geojson.no_geometry", 1)
		}
		geometries = append(geometries, top.Geometry)
	case "Polygon", "MultiPolygon":
		geometries = append(geometries, &top)
	case "":
		return "", bad("type", "invalid.geojson.no_type")
	default:
		return "", bad("type", "invalid.geojson.type", top.Type)
	}
	var polygons [][][][2]float64
	points := 0
	for fi, g := range geometries {
		var polys [][][][]float64
		switch g.Type {
		case "Polygon":
			var p [][][]float64
			if err := json.Unmarshal(g.Coordinates, &p); err != nil || p == nil {
				return "", bad("coordinates", "invalid.geojson.coordinates", fi+1, g.Type)
			}
			polys = [][][][]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Coordinates, &polys); err != nil || polys == nil {
				return "", bad("coordinates", "invalid.geojson.coordinates", fi+1, g.Type)
			}
		default:
			return "", bad("geometry_type", "invalid.geojson.geometry_type", fi+1, g.Type)
		}
		for pi, p := range polys {
			if len(p) == 0 {
				return "", bad("coordinates", "invalid.geojson.no_rings", fi+1, pi+1)
			}
			var poly [][][2]float64
			for ri, ring := range p {
				if len(ring) < 4 {
					return "", bad("ring", "invalid.geojson.ring_short", fi+1, pi+1, ri+1, len(ring))
				}
				var rr [][2]float64
				for qi, pos := range ring {
					if len(pos) < 2 || len(pos) > 3 {
						return "", bad("position", "invalid.geojson.position_size", fi+1, pi+1, ri+1, qi+1, len(pos))
					}
					lng, lat := pos[0], pos[1]
					if math.IsNaN(lng) || math.IsNaN(lat) || lng < -180 || lng > 180 || lat < -90 || lat > 90 {
						return "", bad("position", "invalid.geojson.position_range", fi+1, pi+1, ri+1, qi+1, lng, lat)
					}
					rr = append(rr, [2]float64{lng, lat})
				}
				if rr[0] != rr[len(rr)-1] {
					return "", bad("ring", "invalid.geojson.ring_open", fi+1, pi+1, ri+1)
				}
				points += len(rr)
				if points > OutlineMaxPoints {
					return "", bad("too_large", "invalid.geojson.too_many_points", OutlineMaxPoints)
				}
				poly = append(poly, rr)
			}
			polygons = append(polygons, poly)
		}
	}
	if len(polygons) == 0 {
		return "", bad("empty", "invalid.geojson.empty")
	}
	var out []byte
	if len(polygons) == 1 {
		out, _ = json.Marshal(struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		}{"Polygon", polygons[0]})
	} else {
		out, _ = json.Marshal(struct {
			Type        string           `json:"type"`
			Coordinates [][][][2]float64 `json:"coordinates"`
		}{"MultiPolygon", polygons})
	}
	return string(out), nil
}
