package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"tack/backend/apperr"
)

// maxJSONBody bounds JSON request bodies; file content has its own routes.
const maxJSONBody = 1 << 20

var errBodyTooLarge = errors.New("api: body too large")

// decode reads a JSON body into dst. A malformed body is a 400 that names no
// field; validation of values is the service's job.
func decode(r *http.Request, dst any) error { return decodeLimit(r, dst, maxJSONBody) }

// decodeLimit is decode with its own body limit (an upload's chunk list).
func decodeLimit(r *http.Request, dst any, limit int64) error {
	return decodeReader(r.Body, dst, limit)
}

// decodeReader is decode from any reader (a multipart part).
func decodeReader(r io.Reader, dst any, limit int64) error {
	body := http.MaxBytesReader(nil, io.NopCloser(r), limit)
	dec := json.NewDecoder(body)
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge
		}
		if errors.Is(err, io.EOF) {
			return apperr.Invalid("invalid_json", "request body is empty")
		}
		return apperr.Invalid("invalid_json", "request body is not valid JSON").Wrap(err)
	}
	return nil
}

// pageParams reads the list parameters (docs/ARCHITECTURE.md, API conventions): limit (1..200, default 50) and cursor.
func pageParams(r *http.Request) (limit int, cursor string) {
	limit = 50
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 && v <= 200 {
		limit = v
	}
	return limit, r.URL.Query().Get("cursor")
}
