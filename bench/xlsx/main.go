// Command xlsx measures converting a generated workbook of 200,000 users against a bare
// excelize Rows() loop over the same file, in the same run, and reports the ratio and
// each one's peak memory (the maximum resident set of a child process that does only it).
//
//	go run ./bench/xlsx [-rows 200000] [-runs 3]
//
// The workbook is generated deterministically with excelize's stream writer.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
)

const benchMapping = `version: 1
statuses:
  active: ["true"]
  deleted: ["false"]
user:
  email: email(row.Email)
  id: row["Employee ID"]
  firstName: row["First Name"]
  lastName: row["Last Name"]
  status: status(row.Active)
  lastUsedDate: date(row["Last Login"])
licenses:
  - name: Pro
    when: row.Seats != "0"
    lastUsedDate: date(row["Last Login"])
`

func main() {
	rows := flag.Int("rows", 200_000, "users in the workbook")
	runs := flag.Int("runs", 3, "runs of each; the median is reported")
	mode := flag.String("mode", "", "internal: run one measurement (bare or convert) on -file")
	file := flag.String("file", "", "internal: the workbook")
	flag.Parse()
	log.SetFlags(0)

	if *mode != "" {
		start := time.Now()
		var err error
		switch *mode {
		case "bare":
			err = bare(*file)
		case "read":
			err = read(*file)
		case "convert":
			err = convert(*file)
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(time.Since(start).Nanoseconds())
		return
	}

	dir, err := os.MkdirTemp("", "xlsxbench-*")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "users.xlsx")
	if err := generate(path, *rows); err != nil {
		log.Fatal(err)
	}
	st, _ := os.Stat(path)
	fmt.Printf("workbook: %d rows, %.1f MiB\n", *rows, float64(st.Size())/(1<<20))

	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	modes := []string{"bare", "read", "convert"}
	times := map[string][]time.Duration{}
	peak := map[string]int64{}
	for range *runs {
		// Alternate, so that all see the same machine load.
		for _, m := range modes {
			d, rss, err := child(self, m, path)
			if err != nil {
				log.Fatal(err)
			}
			times[m] = append(times[m], d)
			peak[m] = max(peak[m], rss)
		}
	}
	b := median(times["bare"])
	for _, m := range modes {
		d := median(times[m])
		fmt.Printf("%-8s %8v  %6.0f rows/s  %5.2f×  peak RSS %4d MiB\n", m, d.Round(time.Millisecond), float64(*rows)/d.Seconds(), d.Seconds()/b.Seconds(), peak[m]>>10)
	}
	fmt.Println("bare: excelize OpenFile and Rows() with raw values; read: readers.XLSX alone; convert: read, map, merge, encode (target ≤ 1.3×)")
}

// read is the XLSX reader alone: every record, no mapping.
func read(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	src, err := readers.Open(fh, path, readers.Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	for {
		if _, err := src.Read(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// child runs one measurement in a process of its own, so that its peak memory is its own.
func child(self, mode, path string) (time.Duration, int64, error) {
	cmd := exec.Command(self, "-mode", mode, "-file", path)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %v", mode, err)
	}
	var ns int64
	if _, err := fmt.Sscan(string(out), &ns); err != nil {
		return 0, 0, err
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	return time.Duration(ns), rss, nil
}

// bare is the floor: open the workbook with excelize and walk every row's raw values.
func bare(path string) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return err
	}
	n := 0
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		n += len(cols)
	}
	if n == 0 {
		return fmt.Errorf("no cells")
	}
	return rows.Close()
}

// convert does what torii-transform convert does: read, map, merge, write.
func convert(path string) error {
	m, err := mapping.Load("bench.yaml", []byte(benchMapping))
	if err != nil {
		return err
	}
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	res, _, err := transform.Convert(transform.Job{Mapping: m, Export: fh, Name: path})
	if err != nil {
		return err
	}
	return res.Encode(io.Discard)
}

func generate(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd hh:mm"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"Email", "Employee ID", "First Name", "Last Name", "Active", "Seats", "Monthly Price", "Last Login"}); err != nil {
		return err
	}
	base := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{
			fmt.Sprintf("user%06d@example.com", i),
			fmt.Sprintf("%06d", i),
			fmt.Sprintf("First%d", i%977),
			fmt.Sprintf("Last%d", i%1009),
			i%13 != 0,
			i % 4,
			float64(i%50) + 0.25,
			excelize.Cell{StyleID: dateStyle, Value: base.Add(time.Duration(i) * 7 * time.Minute)},
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
