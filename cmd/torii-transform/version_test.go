package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersionText(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	host := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name    string
		stamped string
		bi      *debug.BuildInfo
		want    string
	}{{
		name: "go install from a clean clone",
		bi: &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Main:      debug.Module{Path: "github.com/torii-transform/torii-transform", Version: "v0.0.0-20251201093000-0123456789ab"},
			Settings:  settings("GOARCH", "arm64", "GOOS", "darwin", "vcs", "git", "vcs.revision", rev, "vcs.time", "2025-12-01T09:30:00Z", "vcs.modified", "false"),
		},
		want: "torii-transform v0.0.0-20251201093000-0123456789ab\n" +
			"revision:  " + rev + "\n" +
			"committed: 2025-12-01T09:30:00Z\n" +
			"go:        go1.26.8 darwin/arm64\n",
	}, {
		name:    "release build from a modified tree: the stamped version wins",
		stamped: "v1.2.3-dirty",
		bi: &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Main:      debug.Module{Path: "github.com/torii-transform/torii-transform", Version: "v1.2.3+dirty"},
			Settings:  settings("GOARCH", "amd64", "GOOS", "windows", "vcs.revision", rev, "vcs.time", "2025-12-01T09:30:00Z", "vcs.modified", "true"),
		},
		want: "torii-transform v1.2.3-dirty\n" +
			"revision:  " + rev + "+dirty\n" +
			"committed: 2025-12-01T09:30:00Z\n" +
			"go:        go1.26.8 windows/amd64\n",
	}, {
		name: "built outside a Git checkout",
		bi: &debug.BuildInfo{
			GoVersion: "go1.26.1",
			Main:      debug.Module{Path: "github.com/torii-transform/torii-transform", Version: "(devel)"},
			Settings:  settings("GOARCH", "amd64", "GOOS", "linux", "CGO_ENABLED", "0"),
		},
		want: "torii-transform (devel)\n" +
			"go:        go1.26.1 linux/amd64\n",
	}, {
		name: "no build info",
		want: "torii-transform (devel)\n" +
			"go:        " + host + "\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, versionText(tt.stamped, tt.bi)); diff != "" {
				t.Errorf("versionText mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
