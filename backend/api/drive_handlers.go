package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"tack/backend/apperr"
	"tack/backend/drive"
	"tack/backend/identity"
)

// driveRoutes registers the company drive: spaces, entries, folders,
// uploads (chunked and single-request), content, versions, permissions,
// trash, search and the change feed the sync agent follows.
func (h *Handler) driveRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/drive/spaces", h.authed(h.driveSpaces))
	mux.HandleFunc("POST /api/v1/drive/spaces", h.authed(h.driveCreateSpace))
	mux.HandleFunc("GET /api/v1/drive/spaces/{id}", h.authed(h.driveSpace))
	mux.HandleFunc("PATCH /api/v1/drive/spaces/{id}", h.authed(h.driveUpdateSpace))
	mux.HandleFunc("GET /api/v1/drive/spaces/{id}/changes", h.authed(h.driveChanges))
	mux.HandleFunc("GET /api/v1/drive/entries/{id}", h.authed(h.driveEntry))
	mux.HandleFunc("PATCH /api/v1/drive/entries/{id}", h.authed(h.driveUpdateEntry))
	mux.HandleFunc("DELETE /api/v1/drive/entries/{id}", h.authed(h.driveTrash))
	mux.HandleFunc("GET /api/v1/drive/entries/{id}/children", h.authed(h.driveChildren))
	mux.HandleFunc("GET /api/v1/drive/entries/{id}/path", h.authed(h.drivePath))
	mux.HandleFunc("POST /api/v1/drive/entries/{id}/copy", h.authed(h.driveCopy))
	mux.HandleFunc("POST /api/v1/drive/entries/{id}/restore", h.authed(h.driveRestore))
	mux.HandleFunc("GET /api/v1/drive/entries/{id}/permissions", h.authed(h.drivePermissions))
	mux.HandleFunc("POST /api/v1/drive/entries/{id}/permissions", h.authed(h.driveGrant))
	mux.HandleFunc("DELETE /api/v1/drive/entries/{id}/permissions/{pid}", h.authed(h.driveRevoke))
	mux.HandleFunc("POST /api/v1/drive/folders", h.authed(h.driveCreateFolder))
	mux.HandleFunc("POST /api/v1/drive/files", h.authed(h.driveUploadSmall))
	mux.HandleFunc("POST /api/v1/drive/files/batch", h.authed(h.driveUploadBatch))
	mux.HandleFunc("GET /api/v1/drive/files/{id}/content", h.authed(h.driveContent))
	mux.HandleFunc("GET /api/v1/drive/files/{id}/versions", h.authed(h.driveVersions))
	mux.HandleFunc("POST /api/v1/drive/files/{id}/versions/{vid}/restore", h.authed(h.driveRestoreVersion))
	mux.HandleFunc("POST /api/v1/drive/uploads", h.authed(h.driveStartUpload))
	mux.HandleFunc("GET /api/v1/drive/uploads/{id}", h.authed(h.driveUploadStatus))
	mux.HandleFunc("PUT /api/v1/drive/uploads/{id}/chunks/{hash}", h.authed(h.drivePutChunk))
	mux.HandleFunc("POST /api/v1/drive/uploads/{id}/chunks", h.authed(h.drivePutChunks))
	mux.HandleFunc("POST /api/v1/drive/uploads/{id}/append", h.authed(h.driveAppendChunks))
	mux.HandleFunc("POST /api/v1/drive/uploads/{id}/commit", h.authed(h.driveCommit))
	mux.HandleFunc("GET /api/v1/drive/trash", h.authed(h.driveTrashList))
	mux.HandleFunc("DELETE /api/v1/drive/trash/{id}", h.authed(h.drivePurge))
	mux.HandleFunc("GET /api/v1/drive/search", h.authed(h.driveSearch))
	mux.HandleFunc("GET /api/v1/drive/shared", h.authed(h.driveShared))
}

func (h *Handler) driveSpaces(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if r.URL.Query().Get("all") == "1" { // every space, for an admin setting quotas
		items, err := h.deps.Drive.AdminSpaces(r.Context(), a)
		respond(w, r, http.StatusOK, Page[drive.Space]{Items: items}, err)
		return
	}
	items, err := h.deps.Drive.Spaces(r.Context(), a)
	respond(w, r, http.StatusOK, Page[drive.Space]{Items: items}, err)
}

func (h *Handler) driveCreateSpace(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.CreateSpaceRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	sp, err := h.deps.Drive.CreateSpace(r.Context(), a, in)
	respond(w, r, http.StatusCreated, sp, err)
}

func (h *Handler) driveSpace(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	sp, err := h.deps.Drive.Space(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, sp, err)
}

func (h *Handler) driveUpdateSpace(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.UpdateSpaceRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	sp, err := h.deps.Drive.UpdateSpace(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, sp, err)
}

// maxFeedWait caps the long-poll of the change feed (seconds).
const maxFeedWait = 60

func (h *Handler) driveChanges(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	wait, _ := strconv.Atoi(q.Get("wait"))
	wait = min(max(wait, 0), maxFeedWait)
	p, err := h.deps.Drive.ChangesUnder(r.Context(), a, r.PathValue("id"), q.Get("under"), q.Get("cursor"), time.Duration(wait)*time.Second)
	if err != nil && r.Context().Err() != nil {
		return // the client went away during the wait
	}
	respond(w, r, http.StatusOK, p, err)
}

func (h *Handler) driveEntry(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	e, err := h.deps.Drive.Entry(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, e, err)
}

func (h *Handler) driveUpdateEntry(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.UpdateEntryRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	e, err := h.deps.Drive.Update(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, e, err)
}

// queryVersion reads ?version= (0 when absent); a bad value is a field error.
func queryVersion(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("version")
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, apperr.Invalid("drive.bad_version", "version must be a number").WithField("version", "invalid")
	}
	return v, nil
}

func (h *Handler) driveTrash(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	v, err := queryVersion(r)
	if err == nil {
		err = h.deps.Drive.Trash(r.Context(), a, r.PathValue("id"), v)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) driveChildren(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	items, next, err := h.deps.Drive.Children(r.Context(), a, r.PathValue("id"), limit, cursor)
	respond(w, r, http.StatusOK, Page[drive.Entry]{Items: items, NextCursor: next}, err)
}

func (h *Handler) drivePath(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, err := h.deps.Drive.Path(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, Page[drive.Entry]{Items: items}, err)
}

func (h *Handler) driveCopy(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.CopyRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	e, err := h.deps.Drive.Copy(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, e, err)
}

func (h *Handler) driveRestore(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.RestoreRequest
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
	}
	e, err := h.deps.Drive.Restore(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, e, err)
}

func (h *Handler) drivePermissions(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, err := h.deps.Drive.Permissions(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, Page[drive.Permission]{Items: items}, err)
}

func (h *Handler) driveGrant(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.GrantRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Drive.Grant(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, p, err)
}

func (h *Handler) driveRevoke(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Drive.Revoke(r.Context(), a, r.PathValue("id"), r.PathValue("pid")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) driveCreateFolder(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.CreateFolderRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	e, err := h.deps.Drive.CreateFolder(r.Context(), a, in)
	respond(w, r, http.StatusCreated, e, err)
}

// driveUploadSmall takes a whole file in one request: the raw body, or the
// first file part of a multipart/form-data body (whose file name is used
// when ?name= is absent). ?parent_id=&name= makes a new file;
// ?entry_id=&base_version= a new version.
func (h *Handler) driveUploadSmall(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	in := drive.SmallUpload{ParentID: q.Get("parent_id"), Name: q.Get("name"), EntryID: q.Get("entry_id"), Body: r.Body}
	if v := q.Get("base_version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeError(w, r, apperr.Invalid("drive.bad_version", "base_version must be a number").WithField("base_version", "invalid"))
			return
		}
		in.BaseVersion = n
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		part, err := firstFilePart(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer part.Close()
		if in.Name == "" && in.EntryID == "" {
			in.Name = part.FileName()
		}
		in.Body = part
	}
	e, err := h.deps.Drive.UploadSmall(r.Context(), a, in)
	status := http.StatusCreated
	if in.EntryID != "" {
		status = http.StatusOK
	}
	respond(w, r, status, e, err)
}

type filePart interface {
	io.ReadCloser
	FileName() string
}

func firstFilePart(r *http.Request) (filePart, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.Invalid("drive.bad_multipart", "the upload form is not valid").Wrap(err)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, apperr.Invalid("drive.no_file", "the form holds no file").WithField("file", "required")
		}
		if err != nil {
			return nil, apperr.Invalid("drive.bad_multipart", "the upload form is not valid").Wrap(err)
		}
		if p.FileName() != "" {
			return p, nil
		}
		p.Close()
	}
}

// inlineTypes may be shown in the browser (?inline=1); everything else is
// always an attachment, so uploaded HTML never runs on the app's origin.
func inlineType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return strings.HasPrefix(mt, "image/") && mt != "image/svg+xml" || mt == "application/pdf" || mt == "text/plain" ||
		strings.HasPrefix(mt, "video/") || strings.HasPrefix(mt, "audio/")
}

// driveContent serves a file version with Range, ETag (the content's
// SHA-256), If-None-Match and a UTF-8 Content-Disposition.
func (h *Handler) driveContent(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	v, err := queryVersion(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Drive.OpenContent(r.Context(), a, r.PathValue("id"), v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer c.Close()
	ct := mime.TypeByExtension(path.Ext(c.Entry.Name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	disp := "attachment"
	if r.URL.Query().Get("inline") == "1" && inlineType(ct) {
		disp = "inline"
	}
	hd := w.Header()
	// A large download may go straight to the object store (tack serve
	// --drive-presign-over): only attachments, whose page never runs on
	// our origin, and not a revalidation (answered 304 here).
	if disp == "attachment" && r.Header.Get("If-None-Match") == "" {
		if u := h.deps.Drive.DirectURL(r.Context(), c, ct, contentDisposition(disp, c.Entry.Name)); u != "" {
			hd.Set("Cache-Control", "private, no-store") // the link expires: never reuse it
			http.Redirect(w, r, u, http.StatusTemporaryRedirect)
			return
		}
	}
	hd.Set("Content-Type", ct)
	hd.Set("ETag", `"`+c.Version.Hash+`"`)
	hd.Set("Content-Disposition", contentDisposition(disp, c.Entry.Name))
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	// Sandboxed, loading nothing, but allowed to download: Chromium cancels
	// a download whose response carries a sandbox without allow-downloads.
	hd.Set("Content-Security-Policy", "sandbox allow-downloads; default-src 'none'; frame-ancestors 'none'")
	hd.Set("X-Tack-Version", strconv.FormatInt(c.Version.EntryVersion, 10))
	http.ServeContent(w, r, "", c.ModTime(), c)
}

// contentDisposition builds an RFC 6266 header: an ASCII fallback filename
// and the exact UTF-8 name in filename* (RFC 5987).
func contentDisposition(kind, name string) string {
	var ascii, enc strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	const attr = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attr, b) >= 0 {
			enc.WriteByte(b)
		} else {
			enc.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(b)|0x100, 16)[1:]))
		}
	}
	return kind + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

func (h *Handler) driveVersions(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, err := h.deps.Drive.Versions(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, Page[drive.FileVersion]{Items: items}, err)
}

func (h *Handler) driveRestoreVersion(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	e, err := h.deps.Drive.RestoreVersion(r.Context(), a, r.PathValue("id"), r.PathValue("vid"), in.Version)
	respond(w, r, http.StatusOK, e, err)
}

// maxUploadJSON bounds the chunk list of an upload request (a 1 TiB file
// has about a million chunks of ~80 bytes of JSON each).
const maxUploadJSON = 128 << 20

func (h *Handler) driveStartUpload(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in drive.UploadRequest
	if err := decodeLimit(r, &in, maxUploadJSON); err != nil {
		writeError(w, r, err)
		return
	}
	st, err := h.deps.Drive.StartUpload(r.Context(), a, in)
	respond(w, r, http.StatusCreated, st, err)
}

// driveAppendChunks extends an open upload's chunk list (drive.AppendChunks).
func (h *Handler) driveAppendChunks(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in struct {
		Chunks []drive.UploadChunk `json:"chunks"`
	}
	if err := decodeLimit(r, &in, maxUploadJSON); err != nil {
		writeError(w, r, err)
		return
	}
	st, err := h.deps.Drive.AppendChunks(r.Context(), a, r.PathValue("id"), in.Chunks)
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) driveUploadStatus(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	st, err := h.deps.Drive.UploadStatus(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) drivePutChunk(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Drive.PutChunk(r.Context(), a, r.PathValue("id"), r.PathValue("hash"), r.Body); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// drivePutChunks takes many chunks of an upload in one body (drive.PutChunks).
func (h *Handler) drivePutChunks(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	body := http.MaxBytesReader(w, r.Body, drive.MaxChunkBatchBytes+drive.MaxChunkBatchItems*drive.ChunkFrameHeader+1)
	if err := h.deps.Drive.PutChunks(r.Context(), a, r.PathValue("id"), body); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) driveCommit(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	e, err := h.deps.Drive.Commit(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, e, err)
}

func (h *Handler) driveTrashList(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	items, next, err := h.deps.Drive.TrashList(r.Context(), a, r.URL.Query().Get("space_id"), limit, cursor)
	days := int(h.deps.Drive.Config().TrashRetention / (24 * time.Hour))
	respond(w, r, http.StatusOK, trashPage{Page[drive.Entry]{Items: items, NextCursor: next}, days}, err)
}

// trashPage is a page of the trash plus how long items stay in it, so the UI
// can say when they are purged.
type trashPage struct {
	Page[drive.Entry]
	RetentionDays int `json:"retention_days"`
}

func (h *Handler) drivePurge(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Drive.Purge(r.Context(), a, r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) driveSearch(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, _ := pageParams(r)
	q := r.URL.Query()
	items, err := h.deps.Drive.Search(r.Context(), a, drive.SearchFilter{Query: q.Get("q"), SpaceID: q.Get("space_id"), Limit: limit})
	respond(w, r, http.StatusOK, Page[drive.Entry]{Items: items}, err)
}

func (h *Handler) driveShared(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, _ := pageParams(r)
	items, err := h.deps.Drive.Shared(r.Context(), a, limit)
	respond(w, r, http.StatusOK, Page[drive.Entry]{Items: items}, err)
}
