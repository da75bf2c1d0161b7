package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// run is one timed run of a command: its wall and CPU time and its peak memory.
type run struct {
	wall, cpu time.Duration
	rssKiB    int64
}

// timeCommand runs name with args, its output discarded, and measures it. exitOK lists
// the exit codes that are not failures (diff exits 1 when the files differ).
func timeCommand(name string, args []string, exitOK ...int) (run, error) {
	// GNU time reports the child's peak memory as its own: the rusage of a child of this
	// process would start from this process's size, which Linux keeps across the exec.
	var rssFile string
	if timeCmd, err := exec.LookPath("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp("", "rss-*")
		if err != nil {
			return run{}, err
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		args = append([]string{"-f", "%M", "-o", rssFile, name}, args...)
		name = timeCmd
	}
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok && slices.Contains(exitOK, ee.ExitCode()) {
		err = nil
	}
	if err != nil {
		return r, fmt.Errorf("%s: %v: %s", name, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if rssFile != "" {
		data, err := os.ReadFile(rssFile)
		if err != nil {
			return r, err
		}
		// The last line: GNU time says first when the command exited non-zero.
		lines := strings.Fields(strings.TrimSpace(string(data)))
		if len(lines) == 0 {
			return r, fmt.Errorf("/usr/bin/time wrote nothing")
		}
		if _, err := fmt.Sscan(lines[len(lines)-1], &r.rssKiB); err != nil {
			return r, fmt.Errorf("/usr/bin/time: %v", err)
		}
	}
	return r, nil
}

func median(rs []run, of func(run) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = of(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// compareCLI times the command line's validate and diff against jq reading one of the
// files, in paired runs: each round runs the three one after another, so that the
// machine's load weighs on all of them alike. Ratios are of medians.
func compareCLI(root, oldPath, newPath string, rounds int) error {
	jq, err := exec.LookPath("jq")
	if err != nil {
		return fmt.Errorf("jq is needed for the comparison: apt-get install jq")
	}
	bin := filepath.Join(filepath.Dir(oldPath), "torii-transform")
	build := exec.Command("go", "build", "-o", bin, "./cmd/torii-transform")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		return err
	}
	st, err := os.Stat(oldPath)
	if err != nil {
		return err
	}
	var jqRuns, validateRuns, diffRuns []run
	for range rounds {
		for _, c := range []struct {
			runs *[]run
			name string
			args []string
		}{
			{&jqRuns, jq, []string{".users|length", oldPath}},
			{&validateRuns, bin, []string{"validate", oldPath}},
			{&diffRuns, bin, []string{"diff", oldPath, newPath}},
		} {
			r, err := timeCommand(c.name, c.args, 1)
			if err != nil {
				return err
			}
			*c.runs = append(*c.runs, r)
		}
	}
	wall := func(r run) float64 { return r.wall.Seconds() }
	cpu := func(r run) float64 { return r.cpu.Seconds() }
	rss := func(r run) float64 { return float64(r.rssKiB) * 1024 }
	spread := func(rs []run) string {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = r.wall.Seconds()
		}
		return fmt.Sprintf("%.2f–%.2f s", slices.Min(v), slices.Max(v))
	}
	file := float64(st.Size())
	fmt.Printf("\ncommand line against jq, %d paired rounds (medians; the file is %s):\n", rounds, mib(int(st.Size())))
	fmt.Printf("  jq '.users|length' one file: %.2f s (%s), CPU %.2f s, peak %s (%.2f× the file)\n",
		median(jqRuns, wall), spread(jqRuns), median(jqRuns, cpu), mib(int(median(jqRuns, rss))), median(jqRuns, rss)/file)
	for _, c := range []struct {
		name string
		runs []run
	}{{"validate one file", validateRuns}, {"diff of two files", diffRuns}} {
		fmt.Printf("  %-27s %.2f s (%s): %.2f× jq's time; CPU %.2f s; peak %s (%.2f× one file)\n", c.name+":",
			median(c.runs, wall), spread(c.runs), median(c.runs, wall)/median(jqRuns, wall), median(c.runs, cpu), mib(int(median(c.runs, rss))), median(c.runs, rss)/file)
	}
	return nil
}
