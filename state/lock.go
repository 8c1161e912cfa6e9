package state

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// LockedError means another bantrack process holds the data folder's lock.
type LockedError struct {
	Path string
	PID  int // 0 when the holder could not be read
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("data folder is locked by another bantrack (pid %d, lock file %s)", e.PID, e.Path)
	}
	return fmt.Sprintf("data folder is locked by another bantrack (lock file %s)", e.Path)
}

// Lock is a held data-folder lock.
type Lock struct {
	f *os.File
}

// Acquire takes the exclusive lock file at path without waiting. The kernel drops the lock
// when its holder dies, so a lock left by a killed process is taken over; the file then
// names the new holder.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("state: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		buf := make([]byte, 32)
		n, _ := f.ReadAt(buf, 0)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid, _ := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
			return nil, &LockedError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("state: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) //nolint:errcheck // the pid is informative only
	}
	return &Lock{f: f}, nil
}

// Release drops the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0) //nolint:errcheck // best effort: an empty file names no holder
	err := l.f.Close()
	l.f = nil
	return err
}

// Holder reads the pid a lock file names and whether that process is alive. It takes no lock, so
// it never gets in a writer's way; pid is 0 when the file names nobody.
func Holder(path string) (pid int, alive bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	err = syscall.Kill(pid, 0)
	return pid, err == nil || errors.Is(err, syscall.EPERM)
}
