package transform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/usersfile"
)

// bigRows returns n records in which people repeat, some rows are skipped and some fail.
func bigRows(n int) *rows {
	in := newRows("email,name,status,plan,seen")
	statuses := []string{"on", "off", "on", "on", "paused"} // paused is not in the table
	for i := range n {
		person := i % (n / 3) // each person on about three rows
		rec := []string{
			fmt.Sprintf("user%d@example.com", person),
			fmt.Sprintf("Name %d", i%7),
			statuses[i%len(statuses)],
			[]string{"Pro", "Pro+Viewer", "", "Viewer"}[i%4],
			fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
		}
		if i%97 == 0 {
			rec[0] = "bot@example.com"
		}
		in.recs = append(in.recs, rec)
	}
	return in
}

const bigMapping = `version: 1
statuses:
  active: [on]
  deleted: [off]
skip:
  - when: row.email == "bot@example.com"
    reason: bots
user:
  email: email(row.email)
  firstName: row.name
  status: status(row.status)
  lastUsedDate: date(row.seen)
licenses:
  - names: list(row.plan, "+")
    lastUsedDate: date(row.seen)
`

// TestRunWorkers checks that the result is the same whatever the number of workers:
// records are merged in input order.
func TestRunWorkers(t *testing.T) {
	type outcome struct {
		Stats   Stats
		File    *usersfile.File
		Encoded string // Result.Encode's bytes
		Errs    []string
		Warn    []string
		Err     string
	}
	runWith := func(workers int, opt Options) outcome {
		in := bigRows(3000)
		p := compile(t, bigMapping, in)
		opt.Workers = workers
		res, err := p.Run(in, opt)
		var o outcome
		if err != nil {
			o.Err = err.Error()
		}
		if res != nil {
			o.Stats, o.File = res.Stats, res.File()
			if o.File != nil {
				var b bytes.Buffer
				if err := res.Encode(&b); err != nil {
					t.Fatal(err)
				}
				o.Encoded = b.String()
			}
			for _, e := range res.Errors {
				o.Errs = append(o.Errs, e.Error())
			}
			for _, w := range res.Warnings {
				o.Warn = append(o.Warn, w.Error())
			}
		}
		return o
	}
	for _, opt := range []Options{{OnError: Skip, MaxErrors: 10000}, {OnError: Fail, MaxErrors: 50}} {
		want := runWith(1, opt)
		if want.Stats.Rows == 0 {
			t.Fatal("nothing was read")
		}
		if f := want.File; f != nil {
			if vs := f.Validate(); len(vs) > 0 {
				t.Errorf("the users file is not valid: %v", vs)
			}
			// Encode writes what File holds, and the merger sorts as usersfile does:
			// sorting again changes nothing.
			var before, after bytes.Buffer
			usersfile.Encode(&before, f)
			if before.String() != want.Encoded {
				t.Errorf("Result.Encode and usersfile.Encode of Result.File differ")
			}
			f.Sort()
			usersfile.Encode(&after, f)
			if before.String() != after.String() {
				t.Errorf("the users file is not in usersfile.Sort's order")
			}
		}
		for _, workers := range []int{2, 3, 8} {
			got := runWith(workers, opt)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("OnError %v, %d workers differ from 1 (-1 +%d):\n%s", opt.OnError, workers, workers, diff)
			}
		}
	}
}

// failingReader returns an error after n records.
type failingReader struct {
	*rows
	n int
}

func (r *failingReader) Read() (*record.Record, error) {
	if r.i == r.n {
		return nil, errors.New("in.csv:1002:3: bare quote")
	}
	return r.rows.Read()
}

func TestRunReaderError(t *testing.T) {
	for _, workers := range []int{1, 2} {
		in := bigRows(3000)
		p := compile(t, bigMapping, in)
		res, err := p.Run(&failingReader{in, 1000}, Options{Workers: workers, OnError: Skip})
		if err == nil || err.Error() != "in.csv:1002:3: bare quote" || res != nil {
			t.Errorf("%d workers: %v, %v; want the reader's error and no result", workers, res, err)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	in := bigRows(100000)
	p := compile(&testing.T{}, bigMapping, in)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				in.i = 0
				if _, err := p.Run(in, Options{Workers: workers, OnError: Skip, MaxErrors: 1 << 20}); err != nil && err != io.EOF {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(in.recs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
