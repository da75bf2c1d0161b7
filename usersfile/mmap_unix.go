//go:build linux || darwin

package usersfile

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps a regular file read-only. release lets go of the pages before an offset;
// unmap ends the mapping. A file that cannot be mapped (empty, not regular, or the
// system refuses) is read whole instead, and release and unmap are nil.
func mapFile(fh *os.File, size int64) (data []byte, release func(int), unmap func() error, err error) {
	if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() && size > 0 && size == int64(int(size)) {
		if data, err := unix.Mmap(int(fh.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED); err == nil {
			_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
			page := os.Getpagesize()
			release = func(upTo int) {
				if upTo -= upTo % page; upTo > 0 {
					_ = unix.Madvise(data[:upTo], unix.MADV_DONTNEED)
				}
			}
			return data, release, func() error { return unix.Munmap(data) }, nil
		}
	}
	data, err = io.ReadAll(fh)
	return data, nil, nil, err
}
