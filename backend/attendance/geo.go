package attendance

import "math"

// The GCJ-02 ("Mars coordinates") offset used by Chinese map apps (Amap/高德,
// Tencent, Google China): WGS-84 positions are shifted 100–500 m by an
// obfuscation formula, more than a fence's radius. Places are stored in
// WGS-84, which browsers' geolocation reports, and an admin who pastes
// coordinates from a Chinese map app has them converted once (GCJToWGS).
const (
	gcjA  = 6378245.0              // Krasovsky 1940 semi-major axis
	gcjEE = 0.00669342162296594323 // its eccentricity squared
)

// outOfChina: outside this box GCJ-02 equals WGS-84.
func outOfChina(lat, lng float64) bool {
	return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func gcjDelta(lat, lng float64) (dLat, dLng float64) {
	x, y := lng-105.0, lat-35.0
	tLat := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	tLat += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	tLat += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	tLat += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	tLng := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	tLng += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	tLng += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	tLng += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	rad := lat / 180.0 * math.Pi
	magic := 1 - gcjEE*math.Sin(rad)*math.Sin(rad)
	sq := math.Sqrt(magic)
	dLat = (tLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sq) * math.Pi)
	dLng = (tLng * 180.0) / (gcjA / sq * math.Cos(rad) * math.Pi)
	return dLat, dLng
}

// WGSToGCJ shifts a WGS-84 position into GCJ-02 (what a Chinese map app shows).
func WGSToGCJ(lat, lng float64) (float64, float64) {
	if outOfChina(lat, lng) {
		return lat, lng
	}
	dLat, dLng := gcjDelta(lat, lng)
	return lat + dLat, lng + dLng
}

// GCJToWGS turns a GCJ-02 position back into WGS-84. The forward formula
// has no closed inverse; a few fixed-point steps bring the error under a
// centimetre, far below any fence radius.
func GCJToWGS(lat, lng float64) (float64, float64) {
	if outOfChina(lat, lng) {
		return lat, lng
	}
	wLat, wLng := lat, lng
	for range 10 {
		gLat, gLng := WGSToGCJ(wLat, wLng)
		dLat, dLng := gLat-lat, gLng-lng
		wLat, wLng = wLat-dLat, wLng-dLng
		if math.Abs(dLat) < 1e-9 && math.Abs(dLng) < 1e-9 {
			break
		}
	}
	return wLat, wLng
}

// Distance is the great-circle distance in metres between two WGS-84
// positions (haversine on the mean Earth radius: under 0.5 % off, a metre
// at fence scale).
func Distance(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := (lat2-lat1)*math.Pi/180, (lng2-lng1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
