// Command convert measures torii-transform convert on generated exports against Miller,
// jq and a floor, each in a process of its own, in the same run:
//
//	go run ./bench/convert [-rows 1000000] [-xlsx-rows 200000] [-tools torii,floor,miller,jq] [-runs 5] [-dir DIR]
//	go run ./bench/convert -mapping slack [-rows 1000000] [-runs 5]
//
// It generates, deterministically, a CSV export of -rows rows and 10 columns (about 20%
// of the rows repeat a person), the same records as NDJSON, and the first -xlsx-rows of
// them as a workbook; writes the representative mapping (mapping.yaml) and the closest
// Miller (users.mlr) and jq (users.jq) programs; builds torii-transform and the floor
// (bench/convert/floor) once; then runs each contender, measuring its wall time, CPU time
// and peak resident memory, and checks the targets:
//
//   - CSV: torii-transform at least 4× Miller's rows/s, at most 1.5× the floor's wall time
//     and 2.5× its CPU time;
//   - NDJSON: torii-transform at least 3× jq's rows/s;
//   - peak memory of each conversion at most 1.5× the size of the users file it writes;
//   - XLSX: torii-transform at most 1.3× the wall time of a bare excelize Rows() loop.
//
// With -mapping NAME it measures that built-in mapping instead, on a CSV export of -rows
// rows made from the largest CSV sample the mapping ships with (its title, header and
// footer as they are; its records repeated, with each person's email made unique), against
// the floor reading the same file and Miller writing its records as JSON sorted by email:
// at most 2.5× the floor's wall time, at least 4× Miller's rows/s.
//
// Runs alternate between contenders, so that every one sees the same machine load; the
// median of -runs is reported. A tool that is not installed (mlr: Debian package miller;
// jq) is skipped, and so are the targets that need it. -cpuprofile writes a CPU profile of
// the CSV conversion run in-process through the same packages as the command.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/transform"
)

// Targets, as ratios measured in the same run.
const (
	minVsMiller  = 4.0 // CSV: torii-transform's rows/s over Miller's
	maxVsFloor   = 1.5 // CSV, the representative mapping: torii-transform's wall time over the floor's
	maxVsFloorOf = 2.5 // CSV, a built-in (-mapping): torii-transform's wall time over the floor's
	maxCPUFloor  = 2.5 // CSV: torii-transform's CPU time over the floor's
	minVsJq      = 3.0 // NDJSON: torii-transform's rows/s over jq's
	maxRSSOfFile = 1.5 // peak RSS over the size of the users file written
	maxVsRows    = 1.3 // XLSX: torii-transform's wall time over a bare Rows() loop
)

var allTools = []string{"torii", "floor", "miller", "jq"}

func main() {
	rows := flag.Int("rows", 1_000_000, "rows of the CSV and NDJSON exports")
	xlsxRows := flag.Int("xlsx-rows", 200_000, "rows of the workbook (0: no workbook)")
	dir := flag.String("dir", "", "folder for the exports, the programs and the outputs, kept (default: a temporary folder, removed at the end; bench/out/ is git-ignored)")
	tools := flag.String("tools", strings.Join(allTools, ","), "contenders to run, from "+strings.Join(allTools, ", "))
	formats := flag.String("formats", "csv,ndjson,xlsx", "exports to convert")
	runs := flag.Int("runs", 1, "runs of each contender; the median wall time and the highest peak memory are reported")
	toolRuns := flag.Int("tool-runs", 0, "run Miller and jq in only the first N runs, paired with those of the others (0: every run): they take minutes each")
	bin := flag.String("bin", "", "a torii-transform binary to measure (default: build ./cmd/torii-transform)")
	cpuprofile := flag.String("cpuprofile", "", "also convert the CSV in-process and write its CPU profile here")
	builtin := flag.String("mapping", "", "measure this built-in mapping on a CSV export of -rows rows generated in its shape, instead of the representative mapping")
	flag.Parse()
	log.SetFlags(0)

	want := map[string]bool{}
	for _, t := range strings.Split(*tools, ",") {
		if t = strings.TrimSpace(t); !slices.Contains(allTools, t) {
			log.Fatalf("-tools: unknown contender %q (want some of %s)", t, strings.Join(allTools, ", "))
		}
		want[t] = true
	}
	doFormat := map[string]bool{}
	for _, f := range strings.Split(*formats, ",") {
		doFormat[strings.TrimSpace(f)] = true
	}
	if *xlsxRows <= 0 {
		doFormat["xlsx"] = false
	}

	if *dir == "" {
		d, err := os.MkdirTemp("", "convertbench-*")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	path := func(name string) string { return filepath.Join(*dir, name) }

	// The exports and the programs.
	start := time.Now()
	gens := []struct {
		format, file string
		rows         int
		write        func(string, int) error
	}{
		{"csv", "export.csv", *rows, writeCSV},
		{"ndjson", "export.ndjson", *rows, writeNDJSON},
		{"xlsx", "export.xlsx", *xlsxRows, writeXLSX},
	}
	var vendor *vendorExport
	if *builtin != "" {
		// One export, in the built-in's shape; Miller's closest equivalent reads it and
		// writes its records as JSON, sorted by email.
		gens = gens[:0]
		var err error
		if vendor, err = writeVendorCSV(*builtin, path("export.csv"), *rows); err != nil {
			// A built-in for an API's JSON: its records as NDJSON.
			var jerr error
			if vendor, jerr = writeVendorNDJSON(*builtin, path("export.ndjson"), *rows); jerr != nil {
				log.Fatalf("-mapping %s: %v; %v", *builtin, err, jerr)
			}
		}
		doFormat = map[string]bool{vendor.format: true}
		file := "export." + vendor.format
		fmt.Printf("%-14s %9d rows  %s, in the shape of %s\n", file, *rows, size(fileSize(path(file))), vendor.sample)
	}
	for _, g := range gens {
		if !doFormat[g.format] {
			continue
		}
		if err := g.write(path(g.file), g.rows); err != nil {
			log.Fatalf("generating %s: %v", g.file, err)
		}
		fmt.Printf("%-14s %9d rows  %s\n", g.file, g.rows, size(fileSize(path(g.file))))
	}
	for name, text := range map[string]string{"mapping.yaml": benchMapping, "users.mlr": millerProgram, "users.jq": jqProgram} {
		if err := os.WriteFile(path(name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("generated in %v, in %s\n", time.Since(start).Round(time.Millisecond), *dir)

	// The binaries, built once.
	root, err := moduleRoot()
	if err != nil {
		log.Fatal(err)
	}
	torii := *bin
	if torii == "" && want["torii"] {
		torii = path("torii-transform")
		if err := build(root, "./cmd/torii-transform", torii); err != nil {
			log.Fatal(err)
		}
	}
	floor := path("floor")
	if want["floor"] {
		if err := build(root, "./bench/convert/floor", floor); err != nil {
			log.Fatal(err)
		}
	}
	mlr, jq := lookTool(want, "miller", "mlr", "apt-get install miller"), lookTool(want, "jq", "jq", "apt-get install jq")

	var cs []*contender
	add := func(tool, format string, rows int, output string, stdout bool, argv ...string) {
		if !want[tool] || !doFormat[format] || argv[0] == "" {
			return
		}
		cs = append(cs, &contender{tool: tool, format: format, rows: rows, argv: argv, output: path(output), stdout: stdout})
	}
	conv := func(format, input string, rows int) {
		out := "torii." + format + ".json"
		add("torii", format, rows, out, false, torii, "convert", "-q", "-m", path("mapping.yaml"), path(input), "-o", path(out))
	}
	if vendor != nil {
		f := vendor.format
		export := path("export." + f)
		argv := []string{torii, "convert", "-q", "-m", vendor.mapping, export, "-o", path("torii." + f + ".json")}
		if vendor.encoding != "" && vendor.encoding != "utf-8" {
			argv = append(argv, "--encoding", "utf-8") // the sample's text, written as UTF-8
		}
		add("torii", f, *rows, "torii."+f+".json", false, argv...)
		if f == "csv" {
			add("floor", f, *rows, "floor.csv.json", false, floor, "-format", "csv", "-comma", string(vendor.delimiter), "-o", path("floor.csv.json"), export)
		} else {
			add("floor", f, *rows, "floor.ndjson.json", false, floor, "-format", "ndjson", "-o", path("floor.ndjson.json"), export)
		}
		if len(vendor.emails) > 0 {
			if f == "csv" {
				add("miller", f, *rows, "miller.csv.json", true, mlr, "--icsv", "--ifs", string(vendor.delimiter), "--ojson", "--allow-ragged-csv-input", "sort", "-f", vendor.emails[0], export)
			} else {
				// Nested keys are flattened (profile.email), so that sort finds the address.
				add("miller", f, *rows, "miller.ndjson.json", true, mlr, "--ijsonl", "--ojson", "flatten", "then", "sort", "-f", vendor.emails[0], export)
			}
			if c := cs[len(cs)-1]; c.tool == "miller" {
				c.records = true
			}
		}
	} else {
		conv("csv", "export.csv", *rows)
		add("floor", "csv", *rows, "floor.csv.json", false, floor, "-format", "csv", "-o", path("floor.csv.json"), path("export.csv"))
		add("miller", "csv", *rows, "miller.csv.json", true, mlr, "-S", "--icsv", "--ojson", "--no-jlistwrap", "put", "-q", "-f", path("users.mlr"), path("export.csv"))
		conv("ndjson", "export.ndjson", *rows)
		add("floor", "ndjson", *rows, "floor.ndjson.json", false, floor, "-format", "ndjson", "-o", path("floor.ndjson.json"), path("export.ndjson"))
		add("jq", "ndjson", *rows, "jq.ndjson.json", true, jq, "-n", "-f", path("users.jq"), path("export.ndjson"))
		conv("xlsx", "export.xlsx", *xlsxRows)
		add("floor", "xlsx", *xlsxRows, "", false, floor, "-format", "xlsx", path("export.xlsx"))
	}

	fmt.Printf("machine: %s, %d CPUs, %s\n", cpuModel(), runtime.NumCPU(), time.Now().Format(time.DateOnly))
	for run := range *runs {
		// Alternate, so that every contender sees the same machine load.
		for _, c := range cs {
			other := c.tool == "miller" || c.tool == "jq"
			if other && (c.failed != nil || *toolRuns > 0 && run >= *toolRuns) {
				continue
			}
			if err := c.run(); err != nil {
				if !other {
					log.Fatalf("%s on %s (run %d): %v", c.tool, c.format, run+1, err)
				}
				// Another tool that fails, as Miller does when it runs out of memory, is
				// reported, and its targets cannot be checked.
				c.failed = fmt.Errorf("run %d: %v", run+1, err)
				fmt.Printf("%s on %s failed, run %d: %v\n", c.tool, c.format, run+1, firstLine(err))
			}
		}
	}
	for _, c := range cs {
		c.check()
	}
	primary := "csv"
	if vendor != nil {
		primary = vendor.format
	}
	report(cs, primary, vendor != nil)

	if *cpuprofile != "" && doFormat["csv"] {
		mappingPath := path("mapping.yaml")
		if vendor != nil {
			mappingPath = vendor.mapping
		}
		if err := profile(mappingPath, path("export.csv"), *cpuprofile); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("\nCPU profile of the in-process CSV conversion: %s (go tool pprof -top %s)\n", *cpuprofile, *cpuprofile)
	}
}

// contender is one program converting one export.
type contender struct {
	tool, format string
	rows         int
	argv         []string
	output       string // the file it writes; "" for none
	stdout       bool   // written by redirecting its standard output
	records      bool   // it writes records, not a users file: its output is not checked

	walls []time.Duration
	cpus  []time.Duration // user and system time
	rss   int64           // KiB
	out   int64           // bytes written
	// users and seats counted in its output, to check that the programs do the same work
	users, seats int
	checkErr     error
	failed       error // the run that failed, for Miller and jq
}

func (c *contender) name() string { return c.tool + " " + c.format }

// timeCmd is GNU time, which reports a child's peak memory as its own. The rusage of a
// child started directly from this process would start from this process's size: Linux
// keeps the peak across the exec.
var timeCmd, _ = exec.LookPath("/usr/bin/time")

func (c *contender) run() error {
	argv := c.argv
	var rssFile string
	if timeCmd != "" {
		f, err := os.CreateTemp("", "rss-*")
		if err != nil {
			return err
		}
		f.Close()
		rssFile = f.Name()
		defer os.Remove(rssFile)
		argv = append([]string{timeCmd, "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if c.stdout {
		f, err := os.Create(c.output)
		if err != nil {
			return err
		}
		defer f.Close()
		cmd.Stdout = f
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("%v\n%s", err, tail(stderr.String(), 2000))
	}
	c.walls = append(c.walls, wall)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.cpus = append(c.cpus, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
	}
	if rssFile != "" {
		var kib int64
		data, err := os.ReadFile(rssFile)
		if err != nil {
			return err
		}
		if _, err := fmt.Sscan(string(data), &kib); err != nil {
			return fmt.Errorf("/usr/bin/time: %v", err)
		}
		c.rss = max(c.rss, kib)
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.rss = max(c.rss, ru.Maxrss) // KiB on Linux, from this process's size at the fork
	}
	if c.output != "" {
		c.out = fileSize(c.output)
	}
	return nil
}

func (c *contender) wall() time.Duration { return medianOf(c.walls) }
func (c *contender) cpu() time.Duration  { return medianOf(c.cpus) }

func medianOf(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func (c *contender) rowsPerSec() float64 { return float64(c.rows) / c.wall().Seconds() }

// check counts the users and license seats of a users file the contender wrote.
func (c *contender) check() {
	if c.tool == "floor" || c.output == "" || c.records {
		return
	}
	f, err := os.Open(c.output)
	if err != nil {
		c.checkErr = err
		return
	}
	defer f.Close()
	var file struct {
		Users []struct {
			Email string `json:"email"`
		} `json:"users"`
		Licenses []struct {
			Users []struct {
				Email string `json:"email"`
			} `json:"users"`
		} `json:"licenses"`
	}
	if err := json.NewDecoder(f).Decode(&file); err != nil {
		c.checkErr = fmt.Errorf("not a users file: %v", err)
		return
	}
	c.users = len(file.Users)
	for _, l := range file.Licenses {
		c.seats += len(l.Users)
	}
}

// report prints the table and checks the targets; primary is the export format the
// Miller and floor targets are measured on.
func report(cs []*contender, primary string, builtin bool) {
	find := func(tool, format string) *contender {
		for _, c := range cs {
			if c.tool == tool && c.format == format {
				return c
			}
		}
		return nil
	}
	fmt.Printf("\n%-13s %9s %12s %9s %13s %9s %10s %9s %9s %9s %9s  %s\n", "contender", "rows", "rows/s", "wall", "wall range", "CPU", "peak RSS", "vs floor", "vs mlr", "vs jq", "output", "users / seats")
	for _, c := range cs {
		if len(c.walls) == 0 {
			fmt.Printf("%-13s failed, %v\n", c.name(), firstLine(c.failed))
			continue
		}
		ratio := func(tool string) string {
			o := find(tool, c.format)
			if o == nil || o == c || len(o.walls) == 0 {
				return "-"
			}
			if tool == "floor" {
				return fmt.Sprintf("%.2f×", c.wall().Seconds()/o.wall().Seconds()) // wall time over the floor's
			}
			return fmt.Sprintf("%.2f×", c.rowsPerSec()/o.rowsPerSec()) // throughput over the tool's
		}
		check := ""
		switch {
		case c.checkErr != nil:
			check = c.checkErr.Error()
		case c.tool != "floor" && c.output != "" && !c.records:
			check = fmt.Sprintf("%d / %d", c.users, c.seats)
			if t := find("torii", c.format); t != nil && t != c && (t.users != c.users || t.seats != c.seats) {
				check += " (differs from torii-transform)"
			}
		}
		out := "-"
		if c.output != "" {
			out = size(c.out)
		}
		lo, hi := slices.Min(c.walls), slices.Max(c.walls)
		spread := fmt.Sprintf("%.1f–%.1fs", lo.Seconds(), hi.Seconds())
		fmt.Printf("%-13s %9d %12.0f %9v %13s %9v %10s %9s %9s %9s %9s  %s\n", c.name(), c.rows, c.rowsPerSec(), c.wall().Round(time.Millisecond), spread, c.cpu().Round(time.Millisecond),
			size(c.rss<<10), ratio("floor"), ratio("miller"), ratio("jq"), out, check)
	}
	fmt.Println("wall: the median of the runs; wall range: the fastest and slowest run")
	fmt.Println("vs floor: wall time over the floor's (lower is better); vs mlr, vs jq: rows/s over the tool's (higher is better)")

	fmt.Println("\ntargets:")
	target := func(what string, got, limit float64, atLeast bool, missing string, spread ...string) {
		switch {
		case missing != "":
			fmt.Printf("  SKIP  %-52s (%s)\n", what, missing)
		case atLeast && got >= limit, !atLeast && got <= limit:
			fmt.Printf("  PASS  %-52s %.2f×%s\n", what, got, strings.Join(spread, ""))
		default:
			fmt.Printf("  FAIL  %-52s %.2f×%s\n", what, got, strings.Join(spread, ""))
		}
	}
	need := func(cs ...*contender) string {
		for _, c := range cs {
			if c == nil {
				return "not measured"
			}
			if c.failed != nil {
				return fmt.Sprintf("%s failed: %v", c.tool, firstLine(c.failed))
			}
		}
		return ""
	}
	tc, mc, fc := find("torii", primary), find("miller", primary), find("floor", primary)
	P := strings.ToUpper(primary)
	tn, jc := find("torii", "ndjson"), find("jq", "ndjson")
	if tn == tc {
		tn = nil // the primary format's: its targets are above
	}
	tx, fx := find("torii", "xlsx"), find("floor", "xlsx")
	var got float64
	if need(tc, mc) == "" {
		got = tc.rowsPerSec() / mc.rowsPerSec()
	}
	target(fmt.Sprintf("%s: rows/s at least %.1f× Miller's", P, minVsMiller), got, minVsMiller, true, need(tc, mc), perRun(mc, tc, false))
	floorLimit := maxVsFloor
	if builtin {
		floorLimit = maxVsFloorOf
	}
	if got = 0; need(tc, fc) == "" {
		got = tc.wall().Seconds() / fc.wall().Seconds()
	}
	target(fmt.Sprintf("%s: wall time at most %.1f× the floor's", P, floorLimit), got, floorLimit, false, need(tc, fc), perRun(tc, fc, false))
	if got = 0; need(tc, fc) == "" {
		got = tc.cpu().Seconds() / fc.cpu().Seconds()
	}
	target(fmt.Sprintf("%s: CPU time at most %.1f× the floor's", P, maxCPUFloor), got, maxCPUFloor, false, need(tc, fc), perRun(tc, fc, true))
	if need(tc) == "" {
		fmt.Printf("        %s: CPU over wall time %.2f (2 means both cores busy throughout)\n", P, tc.cpu().Seconds()/tc.wall().Seconds())
	}
	if got = 0; need(tn, jc) == "" {
		got = tn.rowsPerSec() / jc.rowsPerSec()
	}
	target(fmt.Sprintf("NDJSON: rows/s at least %.1f× jq's", minVsJq), got, minVsJq, true, need(tn, jc), perRun(jc, tn, false))
	for _, t := range []*contender{tc, tn, tx} {
		if t != nil {
			target(fmt.Sprintf("%s: peak RSS at most %.1f× the users file (%s)", strings.ToUpper(t.format), maxRSSOfFile, size(t.out)),
				float64(t.rss<<10)/float64(t.out), maxRSSOfFile, false, "")
		}
	}
	if got = 0; need(tx, fx) == "" {
		got = tx.wall().Seconds() / fx.wall().Seconds()
	}
	target(fmt.Sprintf("XLSX: wall time at most %.1f× a bare Rows() loop", maxVsRows), got, maxVsRows, false, need(tx, fx), perRun(tx, fx, false))
}

// perRun gives the range, over the paired runs, of a's time over b's (wall time, or CPU
// time with cpu): what the median ratio is the middle of. "" with fewer than two runs.
func perRun(a, b *contender, cpu bool) string {
	if a == nil || b == nil {
		return ""
	}
	ta, tb := a.walls, b.walls
	if cpu {
		ta, tb = a.cpus, b.cpus
	}
	var ratios []float64
	for i := range min(len(ta), len(tb)) {
		ratios = append(ratios, ta[i].Seconds()/tb[i].Seconds())
	}
	if len(ratios) < 2 {
		return ""
	}
	return fmt.Sprintf(" (runs %.2f–%.2f×)", slices.Min(ratios), slices.Max(ratios))
}

// lookTool finds a tool's command, or says that it is missing and that it is skipped.
func lookTool(want map[string]bool, tool, command, install string) string {
	if !want[tool] {
		return ""
	}
	p, err := exec.LookPath(command)
	if err != nil {
		fmt.Printf("%s: %s is not installed; skipping it and its targets (%s)\n", tool, command, install)
		return ""
	}
	out, _ := exec.Command(p, "--version").Output()
	fmt.Printf("%s: %s\n", tool, strings.TrimSpace(string(out)))
	return p
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run from inside the torii-transform module")
	}
	return filepath.Dir(mod), nil
}

func build(root, pkg, out string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %v", pkg, err)
	}
	return nil
}

// profile converts the CSV in this process, as the command does, under the CPU profiler.
// mappingPath is a mapping file or a built-in's name.
func profile(mappingPath, exportPath, out string) (err error) {
	var m *mapping.Mapping
	if mappings.IsBuiltin(mappingPath) {
		m, err = mappings.Open(mappingPath)
	} else {
		var data []byte
		if data, err = os.ReadFile(mappingPath); err == nil {
			m, err = mapping.Load(mappingPath, data)
		}
	}
	if err != nil {
		return err
	}
	pf, err := os.Create(out)
	if err != nil {
		return err
	}
	defer pf.Close()
	if err := pprof.StartCPUProfile(pf); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	fh, err := os.Open(exportPath)
	if err != nil {
		return err
	}
	defer fh.Close()
	res, _, err := transform.Convert(transform.Job{Mapping: m, Export: fh, Name: exportPath})
	if err != nil {
		return err
	}
	return res.Encode(io.Discard)
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func size(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

// firstLine is an error's first line.
func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
