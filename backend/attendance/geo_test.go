package attendance

import (
	"math"
	"testing"
)

// Reference points: WGS-84 positions and the GCJ-02 positions published
// for them by coordtransform (wandergis) and eviltransform's test suites.
var gcjReference = []struct {
	name       string
	wLat, wLng float64
	gLat, gLng float64
}{
	{"Beijing Tiananmen", 39.915, 116.404, 39.91640428150164, 116.41024449916938},
	{"Beijing 39.907", 39.90734, 116.39089, 39.90874107, 116.39713094},
	{"Jiaxing", 30.6107779, 121.0917077, 30.608604331756705, 121.09626935575027},
}

func TestWGSToGCJReferencePoints(t *testing.T) {
	for _, c := range gcjReference {
		lat, lng := WGSToGCJ(c.wLat, c.wLng)
		if math.Abs(lat-c.gLat) > 1e-7 || math.Abs(lng-c.gLng) > 1e-7 {
			t.Errorf("%s: WGSToGCJ = %.8f,%.8f, want %.8f,%.8f", c.name, lat, lng, c.gLat, c.gLng)
		}
	}
}

func TestGCJToWGSReferencePoints(t *testing.T) {
	for _, c := range gcjReference {
		lat, lng := GCJToWGS(c.gLat, c.gLng)
		if d := Distance(lat, lng, c.wLat, c.wLng); d > 0.05 {
			t.Errorf("%s: GCJToWGS is %.3f m off (%.8f,%.8f)", c.name, d, lat, lng)
		}
		// The shift itself is what makes conversion matter: more than a fence.
		if d := Distance(c.gLat, c.gLng, c.wLat, c.wLng); d < 100 || d > 800 {
			t.Errorf("%s: GCJ shift %.0f m, expected 100–800 m", c.name, d)
		}
	}
	// Outside China both are the same.
	if lat, lng := GCJToWGS(48.8584, 2.2945); lat != 48.8584 || lng != 2.2945 {
		t.Errorf("Paris moved: %v,%v", lat, lng)
	}
}

func TestDistance(t *testing.T) {
	// One degree of latitude is about 111.2 km.
	if d := Distance(30, 120, 31, 120); math.Abs(d-111195) > 100 {
		t.Errorf("1° latitude = %.0f m", d)
	}
	if d := Distance(31.2304, 121.4737, 31.2304, 121.4737); d != 0 {
		t.Errorf("same point = %v", d)
	}
}
