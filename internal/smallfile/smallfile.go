// Package smallfile reads the small files the project reads whole, such as
// flyctl's ~/.fly/config.yml, without trusting them to be small or regular:
// a FIFO there would block for ever (a signal cannot end the read), and
// /dev/zero or a huge file would be read until memory runs out.
package smallfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegular is the error of a path that is a FIFO, a device, a socket
// or a directory.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the contents of the regular file at path when it holds at
// most max bytes. A path that does not exist gives an error matching
// os.ErrNotExist; one that is no regular file, ErrNotRegular; a larger
// file, an error saying so.
func Read(path string, max int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s)", ErrNotRegular, modeName(info.Mode()))
	}
	if info.Size() > max {
		return nil, fmt.Errorf("larger than %d bytes (%d)", max, info.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// modeName names the kind of a file that is not regular.
func modeName(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// Reason is the cause of a *os.PathError ("permission denied", "is a
// directory"), for messages that name the path themselves; err otherwise.
func Reason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
