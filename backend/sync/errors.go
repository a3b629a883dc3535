package sync

import "tack/backend/apperr"

// The errors a user can cause when setting up a pair; the desktop settings
// page shows them translated (errors.sync.* in the frontend catalogs).
var (
	errPairIncomplete = apperr.Invalid("sync.pair_incomplete", "a pair needs a local folder, a space and a drive folder")
	errNotAFolder     = apperr.Invalid("sync.not_a_folder", "the local path is not a folder on this computer").WithField("local_path", "not_a_folder")
	errPairOverlap    = apperr.Conflict("sync.pair_overlap", "the folder is inside, or contains, a folder that is already synced").WithField("local_path", "overlap")
	errBadMode        = apperr.Invalid("sync.bad_mode", "the mode must be backup, two-way or mirror").WithField("mode", "invalid")
)
