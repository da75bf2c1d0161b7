// Command floor is the least a conversion can do, the floor bench/convert measures
// torii-transform against: parse the export and encode one JSON object per record, with
// nothing but the standard library (and, for workbooks, a bare excelize Rows() loop).
//
//	floor [-format csv|ndjson|xlsx] [-o FILE] EXPORT
//
// CSV: encoding/csv reads each record and encoding/json encodes it as an object keyed by
// the header's names. NDJSON: encoding/json decodes each line into a map and encodes it
// again. XLSX: excelize's Rows() with raw cell values; nothing is encoded.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

func main() {
	format := flag.String("format", "csv", "csv, ndjson or xlsx")
	output := flag.String("o", "", "write the JSON objects here (default: standard output)")
	comma := flag.String("comma", ",", "CSV: the field delimiter")
	flag.Parse()
	log.SetFlags(0)
	if flag.NArg() != 1 {
		log.Fatal("usage: floor [-format csv|ndjson|xlsx] [-o FILE] EXPORT")
	}
	out := os.Stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			log.Fatal(err)
		}
		out = f
	}
	w := bufio.NewWriterSize(out, 1<<20)
	var n int
	var err error
	switch *format {
	case "csv":
		n, err = fromCSV(flag.Arg(0), []rune(*comma)[0], w)
	case "ndjson":
		n, err = fromNDJSON(flag.Arg(0), w)
	case "xlsx":
		n, err = rows(flag.Arg(0))
	default:
		err = fmt.Errorf("unknown format %q", *format)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%d records\n", n)
}

func fromCSV(path string, comma rune, w io.Writer) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	r.Comma = comma
	r.FieldsPerRecord = -1 // a report's title and footer lines are shorter
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	hdr, err := r.Read()
	if err != nil {
		return 0, err
	}
	names := make([]string, len(hdr))
	for i, h := range hdr {
		names[i] = strings.TrimPrefix(h, "\uFEFF")
	}
	obj := make(map[string]string, len(names))
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		for i, v := range rec[:min(len(rec), len(names))] {
			obj[names[i]] = v
		}
		if err := enc.Encode(obj); err != nil {
			return n, err
		}
		n++
	}
}

func fromNDJSON(path string, w io.Writer) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	dec.UseNumber()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
		if err := enc.Encode(obj); err != nil {
			return n, err
		}
		n++
	}
}

// rows walks the first sheet's rows with raw values, the way bench/xlsx's bare loop does.
func rows(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rs, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return 0, err
	}
	n := -1 // the header
	for rs.Next() {
		if _, err := rs.Columns(excelize.Options{RawCellValue: true}); err != nil {
			return n, err
		}
		n++
	}
	return n, rs.Close()
}
