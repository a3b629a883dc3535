package syncagent

// A file's identity survives a rename, so the scanner records it and the
// reconcile pairs a vanished path with a new one as a move. On Linux and
// macOS it is the inode, free with the stat; on Windows it is the file ID,
// which needs the file opened once (fileIDAt).
//
// Variables, not functions: tests run the engine as on a file system that
// has neither, where moves are found by content alone.
var (
	// inodeOf is the identity a stat carries (0 when none).
	inodeOf = statInode
	// fileIDAt reads the identity of the file at an absolute path when the
	// stat had none (0 when it cannot).
	fileIDAt = pathFileID
)
