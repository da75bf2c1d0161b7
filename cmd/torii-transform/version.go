package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is stamped at link time with -ldflags "-X main.version=v1.2.3", as
// scripts/release does. When set it wins over the module version in the build info,
// which is "(devel)" or a pseudo-version for a build from a clone.
var version = ""

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit it was built from, and the Go toolchain",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bi, _ := debug.ReadBuildInfo()
			fmt.Fprint(c.stdout, versionText(version, bi))
			return nil
		},
	}
}

// buildVersion is the version alone, as --version prints it.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return moduleVersion(version, bi)
}

// moduleVersion is the stamped version if there is one, else the main module's version
// from the build info, else "(devel)". bi may be nil.
func moduleVersion(stamped string, bi *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if bi != nil && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// versionText is what the version command prints (the README documents it):
//
//	torii-transform v1.2.3
//	revision:  0123456789abcdef0123456789abcdef01234567+dirty
//	committed: 2025-12-01T09:30:00Z
//	go:        go1.26.8 linux/amd64
//
// The revision and committed lines come from the build's VCS stamp (vcs.revision,
// vcs.time; vcs.modified adds "+dirty") and are left out when the binary was built
// without one: outside a Git checkout, or with -buildvcs=false. bi may be nil; the Go
// version and the target then come from the running binary.
func versionText(stamped string, bi *debug.BuildInfo) string {
	settings := map[string]string{}
	goVersion := runtime.Version()
	if bi != nil {
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
	}
	goos, goarch := settings["GOOS"], settings["GOARCH"]
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}

	var b strings.Builder
	fmt.Fprintf(&b, "torii-transform %s\n", moduleVersion(stamped, bi))
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += "+dirty"
		}
		fmt.Fprintf(&b, "revision:  %s\n", rev)
	}
	if t := settings["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "committed: %s\n", t)
	}
	fmt.Fprintf(&b, "go:        %s %s/%s\n", goVersion, goos, goarch)
	return b.String()
}
