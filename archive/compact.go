package archive

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Compacted is what Compact did to one file.
type Compacted struct {
	Old, New string             // file names; New is "" when nothing was kept
	Moved    map[int64]Location // old offset → new location, for every record kept
	Dropped  int                // records left out
	Freed    int64              // bytes
}

var rewriteRE = regexp.MustCompile(`^(.*)-r(\d+)\.warc\.gz$`)

// rewriteName is the name of the next rewrite of a file: it sorts just before the file it
// replaces and after every earlier file, so that Files keeps the order records were written in.
func rewriteName(name string) string {
	base, n := strings.TrimSuffix(name, ".warc.gz"), 1
	if m := rewriteRE.FindStringSubmatch(name); m != nil {
		base = m[1]
		k, _ := strconv.Atoi(m[2])
		n = k + 1
	}
	return fmt.Sprintf("%s-r%d.warc.gz", base, n)
}

// canonical is the name of the file a rewrite stands for: "a-r2.warc.gz" → "a.warc.gz".
func canonical(name string) string {
	if m := rewriteRE.FindStringSubmatch(name); m != nil {
		return m[1] + ".warc.gz"
	}
	return name
}

// original is the file a rewrite replaces, by name: "a-r2.warc.gz" replaces "a-r1.warc.gz" or
// "a.warc.gz".
func originals(name string) []string {
	m := rewriteRE.FindStringSubmatch(name)
	if m == nil {
		return nil
	}
	k, _ := strconv.Atoi(m[2])
	out := []string{m[1] + ".warc.gz"}
	for i := 1; i < k; i++ {
		out = append(out, fmt.Sprintf("%s-r%d.warc.gz", m[1], i))
	}
	return out
}

// Compact rewrites the file name of the archive in dir with only the records keep accepts, each
// copied byte for byte, to a new file (see rewriteName) that is synced before it takes its name.
// The old file stays: the caller records the new locations (Moved), then calls Finish. A crash in
// between leaves both, and Recover settles which one stays.
func Compact(dir, name string, keep func(Record) bool) (Compacted, error) {
	c := Compacted{Old: name, Moved: map[int64]Location{}}
	var kept []Location
	var freed int64
	err := scanFile(dir, name, func(r Record) error {
		if keep(r) {
			kept = append(kept, r.Location)
		} else {
			c.Dropped++
			freed += r.Location.Length
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	if c.Dropped == 0 {
		return c, nil
	}
	if len(kept) == 0 {
		c.Freed = freed
		return c, nil
	}
	newName := rewriteName(name)
	tmp := filepath.Join(dir, newName+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return c, fmt.Errorf("archive: compact %s: %w", name, err)
	}
	src, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return c, fmt.Errorf("archive: compact %s: %w", name, err)
	}
	defer src.Close()
	var off int64
	for _, loc := range kept {
		if _, err := io.Copy(f, io.NewSectionReader(src, loc.Offset, loc.Length)); err != nil {
			f.Close()
			os.Remove(tmp)
			return c, fmt.Errorf("archive: compact %s: %w", name, err)
		}
		c.Moved[loc.Offset] = Location{File: newName, Offset: off, Length: loc.Length}
		off += loc.Length
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return c, fmt.Errorf("archive: compact %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return c, fmt.Errorf("archive: compact %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, newName)); err != nil {
		os.Remove(tmp)
		return c, fmt.Errorf("archive: compact %s: %w", name, err)
	}
	syncDir(dir)
	c.New, c.Freed = newName, freed
	return c, nil
}

// Finish removes the file a compaction replaced, once the new locations are recorded.
func Finish(dir string, c Compacted) error {
	if c.Dropped == 0 {
		return nil
	}
	if err := os.Remove(filepath.Join(dir, c.Old)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("archive: remove %s: %w", c.Old, err)
	}
	syncDir(dir)
	return nil
}

// Pending lists the rewrites a crash left beside the files they replace, as (rewrite, original)
// pairs, and removes temporary files of rewrites cut short.
func Pending(dir string) ([][2]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".warc.gz.tmp") {
			os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		have[e.Name()] = true
	}
	var out [][2]string
	for n := range have {
		for _, o := range originals(n) {
			if have[o] {
				out = append(out, [2]string{n, o})
			}
		}
	}
	return out, nil
}

// Remove deletes one archive file (settling a pending rewrite).
func Remove(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, filepath.Base(name))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("archive: remove %s: %w", name, err)
	}
	syncDir(dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // best effort: the rename or removal is done
		d.Close()
	}
}
