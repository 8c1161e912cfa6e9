package state

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces the file at path with data so that a reader, or a crash at any moment, sees
// either the old content or the new, never a mix: it writes a temporary file beside it, syncs it,
// renames it over path and syncs the folder. On failure path is untouched and no temporary remains.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() //nolint:errcheck // the rename is done; syncing the folder only makes it durable sooner
		d.Close()
	}
	return nil
}
