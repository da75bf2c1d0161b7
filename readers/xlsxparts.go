package readers

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Relationship types of the parts a workbook's relationships point to.
const relSharedStrings = "/sharedStrings"

type rels struct {
	byID   map[string]string // relationship id → part path in the archive
	byType map[string]string // type suffix → part path
}

func (r rels) target(typeSuffix string) string {
	for t, p := range r.byType {
		if strings.HasSuffix(t, typeSuffix) {
			return p
		}
	}
	return ""
}

// workbookRels reads xl/_rels/workbook.xml.rels, which says where each sheet and the
// shared strings are in the archive.
func workbookRels(f *excelize.File) rels {
	out := rels{byID: map[string]string{}, byType: map[string]string{}}
	data, _ := f.Pkg.Load("xl/_rels/workbook.xml.rels")
	b, _ := data.([]byte)
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	_ = xml.Unmarshal(b, &doc)
	for _, r := range doc.Rels {
		p := r.Target
		if strings.HasPrefix(p, "/") {
			p = strings.TrimPrefix(p, "/")
		} else {
			p = path.Join("xl", p)
		}
		out.byID[r.ID] = p
		out.byType[r.Type] = p
	}
	if _, ok := out.byType[relSharedStrings]; !ok && out.target(relSharedStrings) == "" {
		out.byType[relSharedStrings] = "xl/sharedStrings.xml"
	}
	return out
}

// DefaultMaxCellText is the default budget for a workbook's text (see Options.MaxCellText).
const DefaultMaxCellText = 64 << 20

// stringOverhead is what each text value costs on top of its bytes: a workbook of
// millions of one-letter strings takes memory for every one of them.
const stringOverhead = 16

// CellTextError is a workbook whose text goes over the budget of Options.MaxCellText.
type CellTextError struct {
	Budget  int64
	Strings int // the strings read when the budget ran out
}

func (e *CellTextError) Error() string {
	return fmt.Sprintf("the workbook's shared text goes over the budget of %s (--max-cell-text) after %d strings", FormatSize(e.Budget), e.Strings)
}

// Hint says how to read a workbook that is genuinely this large.
func (e *CellTextError) Hint() string {
	return fmt.Sprintf("if the workbook is genuine, raise the budget, such as --max-cell-text %s, or save the sheet as CSV, which is streamed", FormatSize(4*e.Budget))
}

// MaxCellTextSetting is --max-cell-text: a bound on resources rather than a property of
// an export, so it is a flag only, not a key of a mapping's input section (it is not in
// Settings).
var MaxCellTextSetting = Setting{Flag: "max-cell-text", Type: "size", Formats: []Format{FormatXLSX},
	Usage: "XLSX: the most memory a workbook's text may take, such as 256MiB (default 64MiB; each text value counts its bytes and 16 more)",
	Set: func(o *Options, v string) error {
		n, err := ParseSize(v)
		if err != nil {
			return err
		}
		o.MaxCellText = n
		return nil
	}}

// ParseSize reads a size in bytes: a whole number, optionally followed by KB, MB, GB
// (powers of 1000) or KiB, MiB, GiB (powers of 1024).
func ParseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, mult := strings.TrimSpace(v), int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("want a size such as 64MiB or 1GiB, got %q", v)
	}
	return n * mult, nil
}

// FormatSize writes a size in bytes the way ParseSize reads it, in the largest binary
// unit that divides it.
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// readSharedStrings reads the workbook's table of text values: the plain text of each
// <si>, rich text runs joined, phonetic guides left out. Once the strings take more than
// budget bytes (each its length plus stringOverhead), it stops with a *CellTextError.
func readSharedStrings(zf *zip.File, budget int64) ([]string, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var (
		out      []string
		b        strings.Builder
		inT, inS bool
		rPh      int
		used     int64
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inS = true
				b.Reset()
			case "t":
				inT = inS && rPh == 0
			case "rPh":
				rPh++
			}
		case xml.CharData:
			if inT {
				if used+int64(b.Len()+len(t)) > budget {
					return nil, &CellTextError{Budget: budget, Strings: len(out)}
				}
				b.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				rPh--
			case "si":
				inS = false
				if used += int64(b.Len()) + stringOverhead; used > budget {
					return nil, &CellTextError{Budget: budget, Strings: len(out)}
				}
				out = append(out, unescapeOOXML(b.String()))
			}
		}
	}
}
