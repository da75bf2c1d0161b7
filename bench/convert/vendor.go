package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/readers"
	trecord "github.com/torii-transform/torii-transform/record"
)

// vendorExport is an export generated in a built-in mapping's shape: the largest CSV
// sample the mapping ships with (mappings/testdata/NAME/), its title lines, header and
// footer kept as they are, and its records repeated to the rows asked for, with every
// email address made unique to the row's person.
type vendorExport struct {
	mapping   string
	sample    string // the sample it was made from
	format    string // csv or ndjson
	delimiter rune
	emails    []string // the columns (or dotted keys) that hold email addresses
	encoding  string   // the sample's encoding: the export is written in UTF-8
}

// writeVendorCSV writes the export of n rows at dst. About one row in five repeats an
// earlier row's person, as exports listing one row per license or group do.
func writeVendorCSV(name, dst string, n int) (*vendorExport, error) {
	m, err := mappings.Open(name)
	if err != nil {
		return nil, err
	}
	sample, err := largestSample(name, ".csv")
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(mappings.FS(), sample)
	if err != nil {
		return nil, err
	}
	opt := m.Input
	opt.Format = readers.FormatCSV
	src, err := readers.Open(strings.NewReader(string(raw)), sample, opt)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	recs, err := readSample(src, sample)
	if err != nil {
		return nil, err
	}
	v := &vendorExport{mapping: name, sample: sample, format: "csv", delimiter: src.Delimiter, encoding: src.Encoding}
	emailCol := map[int]bool{}
	for _, rec := range recs {
		for i, val := range rec.Values {
			if isEmail(val) {
				emailCol[i] = true
			}
		}
	}
	for i, name := range src.Header.Names {
		if emailCol[i] {
			v.emails = append(v.emails, name)
		}
	}

	// The text around the records: the lines above the first record (title and header)
	// and below the last (a report's footer), as the sample has them.
	text, _ := readers.Decode(strings.NewReader(string(raw)), src.Encoding)
	decoded, err := io.ReadAll(text)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(strings.TrimPrefix(string(decoded), "\uFEFF"), "\n")
	first, last := recs[0].Line, recs[len(recs)-1].Line
	head := strings.Join(lines[:min(first-1, len(lines))], "")
	tail := ""
	if last < len(lines) {
		tail = strings.Join(lines[last:], "")
	}

	f, err := os.Create(dst)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(head)
	w := csv.NewWriter(bw)
	w.Comma = v.delimiter
	w.UseCRLF = strings.HasSuffix(head, "\r\n")
	row := make([]string, len(src.Header.Names))
	for i := range n {
		rec := recs[i%len(recs)]
		person := i
		if i%5 == 4 {
			person = i / 5 // a person of an earlier row, again
		}
		copy(row, rec.Values)
		for c := range row {
			if emailCol[c] && strings.Contains(row[c], "@") { // a login without a domain stays as it is
				row[c] = uniqueEmail(row[c], person)
			}
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	bw.WriteString(tail)
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return v, f.Close()
}

// readSample reads every record of a sample, and wants one at least.
func readSample(src trecord.Reader, sample string) ([]*trecord.Record, error) {
	var recs []*trecord.Record
	for {
		rec, err := src.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no records", sample)
	}
	return recs, nil
}
