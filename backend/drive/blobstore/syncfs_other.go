//go:build !linux

package blobstore

// canSyncFS is false where there is no syncfs(2): a batch fsyncs each file
// and each directory it touched, as a single chunk does.
const canSyncFS = false

func syncFS(string) error { return nil }
