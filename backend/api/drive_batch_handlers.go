package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"tack/backend/apperr"
	"tack/backend/drive"
	"tack/backend/identity"
)

// batchOverhead is what a batch body may hold besides the files' bytes:
// the manifest and the parts' headers.
const batchOverhead = 8 << 20

// driveUploadBatch takes many small files in one multipart/form-data body:
// a first part "manifest" (JSON drive.BatchRequest), then one part per item
// with its content, in the manifest's order. The answer lists every item's
// own outcome; the status is 200 whenever the batch itself was valid.
func (h *Handler) driveUploadBatch(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	cfg := h.deps.Drive.Config()
	r.Body = http.MaxBytesReader(w, r.Body, cfg.BatchMaxBytes+batchOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, r, apperr.Invalid("drive.bad_multipart", "the upload form is not valid").Wrap(err))
		return
	}
	p, err := mr.NextPart()
	if err != nil || p.FormName() != "manifest" {
		writeError(w, r, drive.ErrBatchInvalid.WithField("manifest", "required"))
		return
	}
	var in drive.BatchRequest
	if err := decodeReader(p, &in, maxJSONBody); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Drive.UploadBatch(r.Context(), a, in, batchParts{mr})
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := batchAnswer{Items: make([]batchItemAnswer, len(res))}
	for i, it := range res {
		a := batchItemAnswer{Index: it.Index, Entry: it.Entry, Unchanged: it.Unchanged}
		switch {
		case it.Err != nil:
			a.Status, a.Error = errorOf(it.Err)
		case it.Created:
			a.Status = http.StatusCreated
		default:
			a.Status = http.StatusOK
		}
		out.Items[i] = a
	}
	writeJSON(w, http.StatusOK, out)
}

// batchAnswer is the answer to a batch upload, one item per file in order.
type batchAnswer struct {
	Items []batchItemAnswer `json:"items"`
}

// batchItemAnswer is one file's outcome: the status it would have had as
// its own request, and the entry or the error.
type batchItemAnswer struct {
	Index     int          `json:"index"`
	Status    int          `json:"status"`
	Entry     *drive.Entry `json:"entry,omitempty"`
	Unchanged bool         `json:"unchanged,omitempty"`
	Error     *errorDetail `json:"error,omitempty"`
}

// batchParts hands the drive the file parts after the manifest.
type batchParts struct{ mr *multipart.Reader }

func (b batchParts) Next() (io.Reader, error) {
	p, err := b.mr.NextPart()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, batchBodyError(err)
	}
	return bodyReader{p}, nil
}

// bodyReader turns the body limit into the batch's own error.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = batchBodyError(err)
	}
	return n, err
}

func batchBodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return drive.ErrBatchTooLarge.Wrap(err)
	}
	return apperr.Invalid("drive.bad_multipart", "the upload form is not valid").Wrap(err)
}
