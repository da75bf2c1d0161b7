package transform_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/transform"
)

// benchMapping is the representative mapping of bench/convert: email normalisation,
// names, a status table, dates in two layouts, a license column split into several
// names, cents, a skip rule.
const benchMapping = `version: 1
statuses:
  active: [Active, Invited]
  deleted: [Suspended, Deactivated]
skip:
  - when: row.Role == "Service Account"
let:
  lastLogin: date(row["Last Login"], "iso", "1/2/2006 3:04 PM")
  addOn: cents(row["Add-on Cost"])
user:
  email: email(row.Email)
  id: row["User ID"]
  firstName: row["First Name"]
  lastName: row["Last Name"]
  status: status(row.Status)
  externalStatus: row.Status
  roles: row.Role
  lastUsedDate: lastLogin
licenses:
  - names: list(row.Licenses, "+", ";")
    lastUsedDate: lastLogin
  - name: Premium Support
    when: (addOn ?? 0) > 0
    price: $12.50
catalog:
  E3:
    price: $36.00
`

var benchHeader = []string{"User ID", "Email", "First Name", "Last Name", "Status", "Role", "Department", "Last Login", "Licenses", "Add-on Cost"}

// benchRecords returns n records of bench/convert's export, each person on every
// repeat-th row (repeat 1: every person once).
func benchRecords(h *record.Header, n, repeat int) []record.Record {
	statuses := []string{"Active", "Active", "Active", "Invited", "Suspended", "Deactivated"}
	licenses := []string{"E3", "E3+Power BI Pro", "E5; Visio Plan 2", "", "Teams Phone+E3+Project Plan 3"}
	costs := []string{"", "", "$12.50", "$0.00", "$1,234.00"}
	recs := make([]record.Record, n)
	for i := range recs {
		p := i / repeat
		login := fmt.Sprintf("2025-%02d-%02dT10:%02d:00Z", i%12+1, i%28+1, i%60)
		if i%2 == 1 {
			login = fmt.Sprintf("%d/%d/2025 %d:%02d PM", i%12+1, i%28+1, i%12+1, i%60)
		}
		recs[i] = record.Record{Header: h, Line: i + 2, Values: []string{
			fmt.Sprintf("U%07d", p), fmt.Sprintf(" Person.%d@Example.com", p), "Ada", "Lovelace",
			statuses[i%len(statuses)], "Member", "Sales, EMEA", login, licenses[i%len(licenses)], costs[i%len(costs)],
		}}
	}
	return recs
}

// sliceReader yields records from memory.
type sliceReader struct {
	recs []record.Record
	i    int
}

func (r *sliceReader) Read() (*record.Record, error) {
	if r.i == len(r.recs) {
		return nil, io.EOF
	}
	r.i++
	return &r.recs[r.i-1], nil
}

func benchRun(b *testing.B, src string, n, repeat, workers int) {
	m, err := mapping.Load("bench.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	h := record.NewHeader("bench.csv", "", 1, benchHeader)
	p, err := transform.Compile(m, h, transform.CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	recs := benchRecords(h, n, repeat)
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Run(&sliceReader{recs: recs}, transform.Options{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		if got, want := res.Stats.Users, (n+repeat-1)/repeat; got != want {
			b.Fatalf("%d users, want %d", got, want)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/row")
}

// BenchmarkMapping evaluates bench/convert's representative mapping on 100,000 records,
// each person on one row, and merges and sorts them: Program.Run without reading or
// encoding. ns/row with one worker is the per-row cost of the mapping.
func BenchmarkMapping(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchRun(b, benchMapping, 100_000, 1, workers)
		})
	}
}

// BenchmarkMerge is Program.Run with a mapping that does little but merge: each person
// on 5 rows, each row granting one or several licenses.
func BenchmarkMerge(b *testing.B) {
	const src = `version: 1
user:
  email: row.Email
licenses:
  - names: row.Licenses
`
	benchRun(b, src, 100_000, 5, 1)
}
