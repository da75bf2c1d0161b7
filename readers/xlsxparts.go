package readers

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"io"
	"path"
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

// readSharedStrings reads the workbook's table of text values: the plain text of each
// <si>, rich text runs joined, phonetic guides left out.
func readSharedStrings(zf *zip.File) ([]string, error) {
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
				out = append(out, unescapeOOXML(b.String()))
			}
		}
	}
}
