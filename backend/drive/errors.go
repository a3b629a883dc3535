package drive

import "tack/backend/apperr"

// The drive's user-facing errors; keys are i18n keys under errors.drive.*.
var (
	ErrNotFound        = apperr.NotFound("drive.not_found", "no such file or folder")
	ErrSpaceNotFound   = apperr.NotFound("drive.space_not_found", "no such space")
	ErrUploadNotFound  = apperr.NotFound("drive.upload_not_found", "no such upload (it may have expired)")
	ErrVersionNotFound = apperr.NotFound("drive.version_not_found", "no such version of this file")
	ErrForbidden       = apperr.Forbidden("drive.forbidden", "you do not have permission to do this")
	ErrStale           = apperr.Conflict("drive.stale_version", "this item was changed by someone else; reload and try again")
	ErrNameTaken       = apperr.Conflict("drive.name_taken", "an item with this name already exists in this folder")
	ErrChunksMissing   = apperr.Conflict("drive.chunks_missing", "some chunks of this upload have not been received")
	ErrQuota           = apperr.TooLarge("drive.quota_exceeded", "this space is full")
	ErrTooLarge        = apperr.TooLarge("drive.file_too_large", "this file is too large")
	ErrBadChunk        = apperr.Invalid("drive.bad_chunk", "the chunk's content does not match its hash")
	ErrChunkUnknown    = apperr.Invalid("drive.chunk_unknown", "this chunk is not part of the upload")
	ErrHashMismatch    = apperr.Invalid("drive.hash_mismatch", "the uploaded content does not match the announced size or hash")
	ErrNotFolder       = apperr.Invalid("drive.not_folder", "the parent is not a folder")
	ErrNotFile         = apperr.Invalid("drive.not_file", "this is a folder, not a file")
	ErrMoveIntoSelf    = apperr.Conflict("drive.move_into_self", "a folder cannot move into itself")
	ErrCrossSpace      = apperr.Invalid("drive.cross_space_move", "items move within a space; copy them to another space")
	ErrRootEntry       = apperr.Conflict("drive.root_immutable", "the root folder of a space cannot be changed")
	ErrNotTrashed      = apperr.Conflict("drive.not_trashed", "this item is not in the trash")
	ErrCursorExpired   = apperr.NotFound("drive.cursor_expired", "the change feed cursor is too old; start over with a full listing")
	ErrBadCursor       = apperr.Invalid("drive.bad_cursor", "the change feed cursor is not valid")
	ErrTooManyEntries  = apperr.TooLarge("drive.too_many_entries", "too many items to copy at once")
	ErrSpaceKind       = apperr.Conflict("drive.space_managed", "this space is managed by the organisation and cannot be changed this way")
	ErrBatchInvalid    = apperr.Invalid("drive.invalid_batch", "the batch upload is not valid")
	ErrBatchTooMany    = apperr.TooLarge("drive.batch_too_many", "too many files in one batch upload")
	ErrBatchItemLarge  = apperr.TooLarge("drive.batch_item_too_large", "a file of the batch is too large for a batch upload")
	ErrBatchTooLarge   = apperr.TooLarge("drive.batch_too_large", "the files of the batch upload are too large together")
)
