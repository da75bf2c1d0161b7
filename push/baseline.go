package push

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/torii-transform/torii-transform/writers"
)

// The state folder holds, for each Torii organization and app account:
//
//	baselines/org-<org>/<account>.json          the baseline: the last file synced
//	baselines/org-<org>/<account>.pending.json  pushes whose sync was never confirmed
//	baselines/org-<org>/<account>.lock          locked while a push runs
//	hosts.json                                  which organization each API host belongs to
//
// Baselines belong to the organization, not to how the API host is spelled; hosts.json
// only lets a dry run, which asks Torii nothing, find them. Baselines of earlier
// versions, kept by host in baselines/<host>/<account>.json, are read when an
// organization has none yet.

// StateDir is where torii-transform keeps state: $XDG_STATE_HOME/torii-transform, else
// ~/.local/state/torii-transform. getenv reads the environment.
func StateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "torii-transform"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find a state folder: set XDG_STATE_HOME or HOME")
	}
	return filepath.Join(home, ".local", "state", "torii-transform"), nil
}

// BaselinePath is where the last file synced to an app account of a Torii organization
// is kept.
func BaselinePath(stateDir string, org, appAccount int64) string {
	return filepath.Join(stateDir, "baselines", fmt.Sprintf("org-%d", org), fmt.Sprintf("%d.json", appAccount))
}

// legacyBaselinePath is where earlier versions kept a baseline: by API host.
func legacyBaselinePath(stateDir, host string, appAccount int64) string {
	host = strings.NewReplacer("/", "_", "\\", "_", ":", "_", "..", "_").Replace(host)
	return filepath.Join(stateDir, "baselines", host, fmt.Sprintf("%d.json", appAccount))
}

// pendingPath and lockPath sit beside the baseline.
func pendingPath(baseline string) string {
	return strings.TrimSuffix(baseline, ".json") + ".pending.json"
}
func lockPath(baseline string) string { return strings.TrimSuffix(baseline, ".json") + ".lock" }

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
	if err := writeState(path, data); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}

// writeState replaces a state file atomically, with mode 0600 in a folder of mode 0700.
func writeState(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writers.WriteFile(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Pending is a file whose sync was asked for but never confirmed: the push was killed,
// timed out or lost its connection after the sync call went out. Torii may hold it
// rather than the baseline.
type Pending struct {
	FileID int64     `json:"fileId"`
	Time   time.Time `json:"time"`
	Data   string    `json:"data"` // the users file, byte for byte
}

type journal struct {
	Pending []Pending `json:"pending"`
}

// loadPending reads the pushes pending for an account, oldest first.
func loadPending(path string) ([]Pending, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pending pushes %s: %w", path, err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("pending pushes %s: %v", path, err)
	}
	return j.Pending, nil
}

// savePending replaces the pending pushes; none removes the record.
func savePending(path string, pending []Pending) error {
	if len(pending) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.MarshalIndent(journal{pending}, "", "  ")
	if err != nil {
		return err
	}
	return writeState(path, append(b, '\n'))
}

// hostsPath holds hosts.json: API host → organization.
func hostsPath(stateDir string) string { return filepath.Join(stateDir, "hosts.json") }

// lookupOrg returns the organization an API host was last seen to belong to.
func lookupOrg(stateDir, host string) (int64, bool) {
	b, err := os.ReadFile(hostsPath(stateDir))
	if err != nil {
		return 0, false
	}
	var hosts map[string]int64
	if json.Unmarshal(b, &hosts) != nil {
		return 0, false // only a cache: a damaged one is rebuilt by the next push
	}
	org, ok := hosts[host]
	return org, ok
}

// rememberOrg records that host belongs to org.
func rememberOrg(stateDir, host string, org int64) error {
	hosts := map[string]int64{}
	if b, err := os.ReadFile(hostsPath(stateDir)); err == nil {
		json.Unmarshal(b, &hosts)
	}
	if old, ok := hosts[host]; ok && old == org {
		return nil
	}
	hosts[host] = org
	b, err := json.MarshalIndent(hosts, "", "  ")
	if err != nil {
		return err
	}
	return writeState(hostsPath(stateDir), append(b, '\n'))
}
