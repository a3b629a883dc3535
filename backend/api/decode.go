package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

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

// decodeReader is decode from any reader (a multipart part). It is the one
// door for JSON into the services, so it refuses here what encoding/json
// would let through quietly: bytes that are not UTF-8 (json turns them into
// U+FFFD, so the stored text is not what was sent), NUL characters and lone
// surrogate escapes in strings (PostgreSQL cannot store NUL and answers 500;
// SQLite stores it and every reader then sees truncated text), and anything
// after the value (a second object, trailing garbage) that would otherwise
// be ignored.
func decodeReader(r io.Reader, dst any, limit int64) error {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, io.NopCloser(r), limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge
		}
		return apperr.Invalid("invalid_json", "request body could not be read").Wrap(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return apperr.Invalid("invalid_json", "request body is empty")
	}
	if !utf8.Valid(raw) {
		return apperr.Invalid("invalid_utf8", "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(dst); err != nil {
		return apperr.Invalid("invalid_json", "request body is not valid JSON").Wrap(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalid("invalid_json", "request body has data after the JSON value")
	}
	if err := checkJSONStrings(raw); err != nil {
		return err
	}
	return nil
}

// checkJSONStrings scans the escapes of every string (keys too) of raw, a
// syntactically valid JSON text, for \u0000 and for UTF-16 surrogates that do
// not form a pair (json decodes both silently: NUL as is, a lone surrogate as
// U+FFFD). Raw control bytes inside strings are already invalid JSON.
func checkJSONStrings(raw []byte) error {
	inString := false
	pendingHigh := false // the previous escape was a high surrogate
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			if c == '"' {
				inString = true
			}
			continue
		}
		switch c {
		case '"':
			if pendingHigh {
				return errBadText
			}
			inString = false
		case '\\':
			i++
			if raw[i] != 'u' {
				if pendingHigh {
					return errBadText
				}
				continue
			}
			v, err := strconv.ParseUint(string(raw[i+1:i+5]), 16, 16)
			if err != nil {
				return errBadText // cannot happen in valid JSON
			}
			i += 4
			switch {
			case v == 0:
				return errBadText
			case v >= 0xD800 && v <= 0xDBFF:
				if pendingHigh {
					return errBadText
				}
				pendingHigh = true
			case v >= 0xDC00 && v <= 0xDFFF:
				if !pendingHigh {
					return errBadText
				}
				pendingHigh = false
			default:
				if pendingHigh {
					return errBadText
				}
			}
		default:
			if pendingHigh {
				return errBadText
			}
		}
	}
	return nil
}

var errBadText = apperr.Invalid("invalid_text", "the request contains a NUL character or a broken UTF-16 escape")

// pageParams reads the list parameters (docs/ARCHITECTURE.md, API conventions): limit (1..200, default 50) and cursor.
func pageParams(r *http.Request) (limit int, cursor string) {
	limit = 50
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 && v <= 200 {
		limit = v
	}
	return limit, r.URL.Query().Get("cursor")
}
