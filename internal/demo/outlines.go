package demo

import (
	"encoding/json"
	"math"

	"github.com/onedoor/onedoor/internal/model"
)

// The demo county's outlines for the hall screen's map: simplified, plausible
// polygons around 康乐县's place on the map (not its surveyed boundary). The county
// is an irregular fourteen-sided figure; its townships split it as the cells of a
// Voronoi diagram around seats spread over it, so neighbours share their borders
// exactly and together they cover the county.

// countyCentre and countyRadius place the county: degrees of longitude and latitude.
var (
	countyCentre = [2]float64{103.71, 35.37}
	countyRadius = [2]float64{0.24, 0.19}
)

type pt = [2]float64

// countyShape is the county's outline, counter-clockwise.
func countyShape() []pt {
	const sides = 14
	// Fixed wobbles, so the shape is the same on every run and stays convex enough
	// for the townships' cells to be clipped against it.
	wobble := []float64{1.0, 0.93, 0.97, 0.9, 0.96, 1.0, 0.92, 0.95, 0.99, 0.91, 0.97, 0.94, 1.0, 0.92}
	out := make([]pt, sides)
	for i := range out {
		a := 2 * math.Pi * float64(i) / sides
		out[i] = pt{countyCentre[0] + countyRadius[0]*wobble[i]*math.Cos(a), countyCentre[1] + countyRadius[1]*wobble[i]*math.Sin(a)}
	}
	return out
}

// seats spreads n township seats over the county on a sunflower spiral.
func seats(n int) []pt {
	out := make([]pt, n)
	for i := range out {
		r := 0.75 * math.Sqrt((float64(i)+0.5)/float64(n))
		a := float64(i) * 2.399963 // the golden angle
		out[i] = pt{countyCentre[0] + countyRadius[0]*r*math.Cos(a), countyCentre[1] + countyRadius[1]*r*math.Sin(a)}
	}
	return out
}

// clip keeps the part of poly on site's side of the perpendicular bisector between
// site and other (Sutherland–Hodgman against one half-plane).
func clip(poly []pt, site, other pt) []pt {
	mid := pt{(site[0] + other[0]) / 2, (site[1] + other[1]) / 2}
	dir := pt{other[0] - site[0], other[1] - site[1]}
	side := func(p pt) float64 { return (p[0]-mid[0])*dir[0] + (p[1]-mid[1])*dir[1] } // < 0: site's side
	var out []pt
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		sa, sb := side(a), side(b)
		if sa <= 0 {
			out = append(out, a)
		}
		if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
			t := sa / (sa - sb)
			out = append(out, pt{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
	return out
}

// ring closes a polygon's points into a GeoJSON ring, rounded to about ten metres.
func ring(poly []pt) [][2]float64 {
	out := make([][2]float64, 0, len(poly)+1)
	for _, p := range poly {
		out = append(out, [2]float64{math.Round(p[0]*1e4) / 1e4, math.Round(p[1]*1e4) / 1e4})
	}
	return append(out, out[0])
}

func polygonJSON(poly []pt) string {
	raw, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring(poly)}})
	geo, err := model.ParseOutline(raw) // what an upload would store
	if err != nil {
		panic("demo outline: " + err.Error())
	}
	return geo
}

// Outlines returns the county's outline and one for each of n townships, as GeoJSON
// geometries.
func Outlines(n int) (county string, townships []string) {
	shape := countyShape()
	sites := seats(n)
	for i, s := range sites {
		cell := shape
		for j, o := range sites {
			if i != j {
				cell = clip(cell, s, o)
			}
		}
		townships = append(townships, polygonJSON(cell))
	}
	return polygonJSON(shape), townships
}
