package push

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/torii-transform/torii-transform/writers"
)

// StateDir is where torii-transform keeps state: $XDG_STATE_HOME/torii-transform, else
// ~/.local/state/torii-transform. getenv reads the environment.
func StateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "torii-transform"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find a state folder: set XDG_STATE_HOME or HOME, or give --baseline")
	}
	return filepath.Join(home, ".local", "state", "torii-transform"), nil
}

// BaselinePath is where the last file pushed to an app account through an API host is
// kept: a push to another host (a test tenant, a proxy) has baselines of its own.
func BaselinePath(stateDir, host string, appAccount int64) string {
	host = strings.NewReplacer("/", "_", "\\", "_", ":", "_", "..", "_").Replace(host)
	return filepath.Join(stateDir, "baselines", host, fmt.Sprintf("%d.json", appAccount))
}

// LoadBaseline reads a baseline. ok is false, without error, when there is none yet.
func LoadBaseline(path string) (data []byte, ok bool, err error) {
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("baseline %s: %w", path, err)
	}
	return data, true, nil
}

// SaveBaseline replaces the baseline at path with data, atomically, readable by the
// user alone: the previous baseline stays whole until the new one is in place.
func SaveBaseline(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return writers.WriteFile(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
