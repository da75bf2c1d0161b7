package mappings

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/usersfile"
)

// TestResavedAsXLSX opens a sample export as Excel does and saves it as a workbook:
// text that Excel recognises as a date becomes a date cell with a number format of the
// user's locale. The built-in must give the same users file as from the CSV.
func TestResavedAsXLSX(t *testing.T) {
	for _, tt := range []struct {
		mapping, csv, want string
		dates              map[string]string // column → the layout its text is written in
		format             string            // the number format Excel gives the cells
	}{
		{"atlassian", "testdata/atlassian/export-users.csv", "testdata/atlassian/export-users.json",
			map[string]string{"Last seen in Jira - example": "2 Jan 2006", "Last seen in Confluence - example": "2 Jan 2006",
				"Last seen in Jira Service Management - example": "2 Jan 2006", "Added to org": "2 Jan 2006"}, "d-mmm-yy"},
		{"google-workspace", "testdata/google-workspace/User_Download_05032024_101500.csv", "testdata/google-workspace/User_Download_05032024_101500.json",
			map[string]string{"Last Sign In [READ ONLY]": "2006/01/02 15:04:05"}, "yyyy/mm/dd hh:mm:ss"},
		{"m365-activity", "testdata/m365-activity/active-users.csv", "testdata/m365-activity/active-users.json",
			map[string]string{"Exchange Last Activity Date": "2006-01-02", "OneDrive Last Activity Date": "2006-01-02",
				"SharePoint Last Activity Date": "2006-01-02", "Skype For Business Last Activity Date": "2006-01-02",
				"Yammer Last Activity Date": "2006-01-02", "Teams Last Activity Date": "2006-01-02", "Report Refresh Date": "2006-01-02"}, "m/d/yyyy"},
		{"zoom", "testdata/zoom/users.csv", "testdata/zoom/users.json",
			map[string]string{"Last Login Time": "01/02/2006 15:04", "Created At": "01/02/2006 15:04"}, "m/d/yyyy h:mm"},
	} {
		t.Run(tt.mapping, func(t *testing.T) {
			data, err := fs.ReadFile(FS(), tt.csv)
			if err != nil {
				t.Fatal(err)
			}
			book, converted := resave(t, data, tt.dates, tt.format)
			if converted == 0 {
				t.Fatal("no cell became a date: the case tests nothing")
			}
			m, err := Open(tt.mapping)
			if err != nil {
				t.Fatal(err)
			}
			res, _, err := transform.Convert(transform.Job{Mapping: m, Export: bytes.NewReader(book), Name: "export.xlsx"})
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			wantData, err := fs.ReadFile(FS(), tt.want)
			if err != nil {
				t.Fatal(err)
			}
			want, err := usersfile.DecodeBytes(wantData)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, res.File()); diff != "" {
				t.Errorf("the re-saved workbook gives another users file (-csv +xlsx):\n%s", diff)
			}
		})
	}
}

// resave writes the CSV export as a workbook, with the cells of the date columns as
// date cells, and says how many it converted.
func resave(t *testing.T, data []byte, dates map[string]string, format string) ([]byte, int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		t.Fatal(err)
	}
	converted := 0
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			layout, isDate := dates[strings.TrimSpace(rows[0][j])]
			if tm, err := time.Parse(layout, v); i > 0 && isDate && err == nil {
				if err := f.SetCellValue("Sheet1", cell, tm); err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellStyle("Sheet1", cell, cell, style); err != nil {
					t.Fatal(err)
				}
				converted++
				continue
			}
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), converted
}
