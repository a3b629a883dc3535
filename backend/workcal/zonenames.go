package workcal

// zoneNames are the localized names of the common zones, the same ones the
// web UI shows through Intl (Go has no CLDR names): index 0 is Chinese, 1
// English. Texts the server writes (emails, published minutes) use them
// instead of an IANA id such as "Asia/Shanghai".
var zoneNames = map[string][2]string{
	"Asia/Shanghai":       {"中国标准时间", "China Standard Time"},
	"Asia/Hong_Kong":      {"香港时间", "Hong Kong Time"},
	"Asia/Taipei":         {"台北时间", "Taipei Time"},
	"Asia/Singapore":      {"新加坡标准时间", "Singapore Standard Time"},
	"Asia/Tokyo":          {"日本标准时间", "Japan Standard Time"},
	"Asia/Seoul":          {"韩国时间", "Korean Time"},
	"Europe/London":       {"英国时间", "United Kingdom Time"},
	"Europe/Berlin":       {"德国时间", "Germany Time"},
	"America/New_York":    {"北美东部时间", "Eastern Time"},
	"America/Los_Angeles": {"北美太平洋时间", "Pacific Time"},
	"UTC":                 {"协调世界时", "Coordinated Universal Time"},
}

// ZoneName is zone's name in Chinese (english false) or English; a zone
// without one keeps its id.
func ZoneName(zone string, english bool) string {
	n, ok := zoneNames[zone]
	if !ok {
		return zone
	}
	if english {
		return n[1]
	}
	return n[0]
}
