package syncagent

import (
	"errors"

	"tack/backend/apperr"
)

// The errors a user can cause when setting up a pair; the desktop settings
// page shows them translated (errors.sync.* in the frontend catalogs).
var (
	errPairIncomplete = apperr.Invalid("sync.pair_incomplete", "a pair needs a local folder, a space and a drive folder")
	errNotAFolder     = apperr.Invalid("sync.not_a_folder", "the local path is not a folder on this computer").WithField("local_path", "not_a_folder")
	errPairOverlap    = apperr.Conflict("sync.pair_overlap", "the folder is inside, or contains, a folder that is already synced").WithField("local_path", "overlap")
	errBadMode        = apperr.Invalid("sync.bad_mode", "the mode must be backup, two-way or mirror").WithField("mode", "invalid")
)

// ErrSignedOut is what a pair shows (State signed_out) and SyncOnce returns
// once the server answered 401: the session expired (absolute lifetime) or
// was revoked. Retrying cannot help; a new sign-in can.
var ErrSignedOut = errors.New("sync: the server ended this session (it expired or was signed out): sign in again")

// errFolderGone stops a pair (State folder_gone) whose drive folder no longer
// exists in its space: trashed, deleted or moved to another space. Nothing
// local is deleted.
var errFolderGone = errors.New("sync: the drive folder was deleted or moved to another space; nothing on this computer was deleted")
