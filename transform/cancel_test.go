package transform

import (
	"context"
	"errors"
	"testing"

	"github.com/torii-transform/torii-transform/record"
)

// cancellingReader cancels its context after n records, as a signal arriving mid-run.
type cancellingReader struct {
	*rows
	n      int
	cancel context.CancelCauseFunc
}

func (r *cancellingReader) Read() (*record.Record, error) {
	if r.i == r.n {
		r.cancel(errInterrupted)
	}
	return r.rows.Read()
}

var errInterrupted = errors.New("interrupted")

func TestRunCancelled(t *testing.T) {
	for _, workers := range []int{1, 3} {
		in := bigRows(30000)
		p := compile(t, bigMapping, in)
		ctx, cancel := context.WithCancelCause(context.Background())
		res, err := p.Run(&cancellingReader{rows: in, n: 1000, cancel: cancel}, Options{Workers: workers, OnError: Skip, Context: ctx})
		if !errors.Is(err, errInterrupted) || res != nil {
			t.Errorf("%d workers: %v, %v; want the context's cause and no result", workers, res, err)
		}
		// Reading stopped within a batch or two per worker of the cancellation.
		if limit := 1000 + (2*workers+2)*batchSize; in.i > limit {
			t.Errorf("%d workers: read %d records, want at most %d after a cancellation at 1000", workers, in.i, limit)
		}
	}
}
