package index

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// DiskSize returns the bytes the index at path takes on disk: the sizes of the regular files under it.
// Files that vanish while it counts (segments merged away by a running writer) are skipped.
func DiskSize(path string) (int64, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // bantrack's index.bleve is a link to the live index's folder
	}
	var n int64
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p != path {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
