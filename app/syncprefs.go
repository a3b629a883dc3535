package app

import "tack/backend/apperr"

// SyncPrefs are the desktop's folder sync preferences (sync.json in the
// config dir). They belong to this computer, not to a server: the limit is
// about this machine's connection, so it survives switching servers.
type SyncPrefs struct {
	// BandwidthKBps caps the engine's uploads and downloads together, in
	// KiB/s; 0 means no limit.
	BandwidthKBps int64 `json:"bandwidth_kbps"`
}

// maxBandwidthKBps is 10 GiB/s: anything above is a typo, not a limit.
const maxBandwidthKBps = 10 << 20

var errBadBandwidth = apperr.Invalid("desktop.bad_bandwidth", "the speed limit must be between 0 (no limit) and 10485760 KB/s").WithField("bandwidth_kbps", "invalid")

// bytesPerSec is the limit the engine takes.
func (p SyncPrefs) bytesPerSec() int64 { return p.BandwidthKBps << 10 }

// LoadSyncPrefs reads sync.json; a missing file is the zero SyncPrefs (no limit).
func LoadSyncPrefs(dir string) (SyncPrefs, error) {
	var p SyncPrefs
	if err := readJSONFile(dir, "sync.json", &p); err != nil {
		return SyncPrefs{}, err
	}
	return p, nil
}

// SaveSyncPrefs checks p and writes sync.json atomically.
func SaveSyncPrefs(dir string, p SyncPrefs) error {
	if p.BandwidthKBps < 0 || p.BandwidthKBps > maxBandwidthKBps {
		return errBadBandwidth
	}
	return writeJSONFile(dir, "sync.json", p)
}
