package transform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/usersfile"
)

// OnError says what happens to a record the mapping cannot convert.
type OnError int

const (
	// Fail stops the run: a dropped row would remove a person in Torii.
	Fail OnError = iota
	// Skip drops the record, counts it and goes on.
	Skip
)

// Options control a run.
type Options struct {
	OnError OnError
	// MaxErrors caps how many row errors are kept (and, with Fail, how many rows are
	// read once the first error is seen). Zero means 100.
	MaxErrors int
	// Workers is how many goroutines evaluate records. Zero means one per CPU.
	Workers int
	// Progress, when set, is told how many records were read so far, now and then.
	Progress func(rows int)
	// Context, when set, stops the run once cancelled: reading, evaluating and merging
	// stop at the next batch of records, and Run returns context.Cause(Context).
	Context context.Context
	// RowTime bounds how long the mapping may take over one record (zero means
	// DefaultRowTime; negative, no bound). A record that takes longer stops the run with
	// a *RowTimeError at its position. expr's VM cannot be stopped in the middle of an
	// expression: the goroutine evaluating it is left to finish in the background, which
	// a command that exits, as the command line does, never waits for.
	RowTime time.Duration
}

// DefaultRowTime is the time budget of one record: a real mapping takes microseconds over
// one, and a mapping that loops over large ranges of large texts could otherwise fill
// the machine's memory before a longer budget ran out.
const DefaultRowTime = 2 * time.Second

// RowTimeError is a record whose evaluation went over Options.RowTime.
type RowTimeError struct {
	Pos   diag.Pos
	Limit time.Duration
}

func (e *RowTimeError) Error() string {
	return fmt.Sprintf("%v: the mapping took more than %v over this record, the budget of one record", e.Pos, e.Limit)
}

// Hint says where such slowness comes from.
func (e *RowTimeError) Hint() string {
	return "look for loops over large ranges or text built up in loops (repeat, reduce) in the mapping's expressions"
}

// Stats counts what happened to the input's records.
type Stats struct {
	Rows      int            // records read
	Skipped   int            // dropped by skip rules
	SkipRules []SkipCount    // per rule, in the mapping's order, rules that dropped nothing included
	Rejected  int            // records with errors
	Stopped   bool           // with Fail, reading stopped after MaxErrors+1 errors: the counts are of the rows read
	Users     int            // unique users in the output
	Active    int            // of Users, with status active
	Deleted   int            // of Users, with status deleted
	Licenses  int            // licenses in the output
	ByLicense map[string]int // users per license
}

// SkipCount is how many records one skip rule dropped.
type SkipCount struct {
	Reason string
	Count  int
}

// Result is the outcome of a run.
type Result struct {
	Stats    Stats
	Errors   []*RowError // the first Options.MaxErrors row errors
	Warnings []error     // merge conflicts: the same person with different names or ids
	merged   *merger     // the users file, when Run succeeded
}

// File builds the users file in memory, sorted, or returns nil when Run failed. Each call
// builds a new one. To write a large file, Encode takes far less memory.
func (r *Result) File() *usersfile.File {
	if r.merged == nil {
		return nil
	}
	return usersfile.Collect(r.merged)
}

// Encode writes the users file to w, the same bytes as usersfile.Encode writes File(),
// without building it.
func (r *Result) Encode(w io.Writer) error {
	if r.merged == nil {
		return errors.New("encode users file: the conversion failed")
	}
	return usersfile.EncodeSource(w, r.merged)
}

// ErrRejected is returned (wrapped) when records failed and Options.OnError is Fail.
var ErrRejected = errors.New("rows could not be converted")

// Run reads every record from r, evaluates the mapping and merges rows of the same
// person into the users file, sorted, which the Result writes (Encode) or builds (File).
// With Fail, any row error makes Run return the Result (for the error report) together
// with ErrRejected. Errors from the reader stop the run at once.
//
// Records are evaluated on Options.Workers goroutines, each with its own Evaluator, and
// merged in input order, so the result is the same, byte for byte, whatever the number
// of workers.
func (p *Program) Run(r record.Reader, opt Options) (*Result, error) {
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 100
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	res := &Result{}
	res.Stats.SkipRules = make([]SkipCount, len(p.Mapping.Skip))
	for i, s := range p.Mapping.Skip {
		res.Stats.SkipRules[i].Reason = s.Reason
	}
	m := newMerger(p)
	rowTime := opt.RowTime
	if rowTime == 0 {
		rowTime = DefaultRowTime
	}
	err := p.evaluate(ctx, r, opt.Workers, rowTime, func(b *batch) bool {
		if ctx.Err() != nil {
			return false
		}
		for i := range b.rows {
			row := &b.rows[i]
			res.Stats.Rows++
			if row.err == nil && row.skipped < 0 && len(row.prices) > 0 {
				row.err = m.checkPrices(row)
			}
			if row.err != nil {
				res.Stats.Rejected++
				if len(res.Errors) < opt.MaxErrors {
					res.Errors = append(res.Errors, row.err)
				} else if opt.OnError == Fail {
					res.Stats.Stopped = true
					return false // enough to show; the run fails anyway
				}
				continue
			}
			if row.skipped >= 0 {
				res.Stats.Skipped++
				res.Stats.SkipRules[row.skipped].Count++
				continue
			}
			m.add(row)
		}
		if opt.Progress != nil {
			opt.Progress(res.Stats.Rows)
		}
		return true
	})
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	if err != nil {
		return nil, err
	}
	if res.Stats.Rejected > 0 && opt.OnError == Fail {
		return res, ErrRejected
	}
	res.Warnings = m.warnings
	m.finish()
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	var doc map[string]any
	if d, ok := r.(interface{ Doc() map[string]any }); ok {
		doc = d.Doc()
	}
	if err := p.unassignedAmounts(m.out, doc); err != nil {
		return res, err
	}
	res.Stats.count(m)
	if res.Stats.Users == 0 {
		return res, p.noUsers(&res.Stats)
	}
	// The file is valid by construction: emails are normalised and merged, statuses
	// and dates checked field by field, license names never empty.
	res.merged = m
	return res, nil
}

// batchSize is how many records travel together between the stages: enough to make
// the channel operations cheap, few enough to keep memory flat.
const batchSize = 256

// batch is a run of consecutive records and, once evaluated, what each contributes.
type batch struct {
	seq  int
	recs []*record.Record
	rows []rowResult
	err  error // the reader's error after recs, if any
	last bool  // the input ends with this batch
}

// evaluate reads r, evaluates its records on workers goroutines and hands the batches
// to merge in input order, on the calling goroutine. merge returns false to stop early.
// It returns the reader's error, if any, once every record before it was merged.
func (p *Program) evaluate(ctx context.Context, r record.Reader, workers int, rowTime time.Duration, merge func(*batch) bool) error {
	if workers == 1 && rowTime < 0 {
		// One goroutine does it all: no channels, no reordering.
		ev := p.NewEvaluator()
		var b *batch
		for {
			b = readBatch(ctx, r, 0, b)
			ev.evalBatch(b)
			if !merge(b) || b.last {
				return b.err
			}
		}
	}
	// Merged batches go back to the reader, to be filled again: their rows keep the
	// room their lists (grants, prices) took.
	free := make(chan *batch, 2*workers+2)
	done := make(chan struct{})
	todo := make(chan *batch, workers)
	evaluated := make(chan *batch, workers)
	var wg sync.WaitGroup
	go func() {
		defer close(todo)
		for seq := 0; ; seq++ {
			var reuse *batch
			select {
			case reuse = <-free:
			default:
			}
			b := readBatch(ctx, r, seq, reuse)
			select {
			case todo <- b:
			case <-done:
				return
			}
			if b.last {
				return
			}
		}
	}()
	evs := make([]*Evaluator, workers)
	for i := range evs {
		evs[i] = p.NewEvaluator()
	}
	slow := make(chan error, 1)
	if rowTime > 0 {
		stop := make(chan struct{})
		defer close(stop)
		go watch(evs, rowTime, stop, slow)
	}
	for _, ev := range evs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				ev.evalBatch(b)
				select {
				case evaluated <- b:
				case <-done:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(evaluated)
	}()
	stuck := false // a worker is still evaluating a record that went over the budget
	defer func() {
		close(done)
		if stuck {
			return // its goroutine finishes on its own; waiting for it could take forever
		}
		for range evaluated {
			// Let the workers and the reader see done and return.
		}
	}()

	// Batches finish out of order; merge them in order.
	pending := map[int]*batch{}
	next := 0
	for {
		var b *batch
		select {
		case err := <-slow:
			stuck = true
			return err
		case got, ok := <-evaluated:
			if !ok {
				return nil
			}
			b = got
		}
		pending[b.seq] = b
		for b := pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			next++
			if !merge(b) {
				return nil
			}
			if b.err != nil {
				return b.err
			}
			select {
			case free <- b:
			default:
			}
		}
	}
}

// readBatch reads up to batchSize records into reuse, a merged batch, or a new one. A
// short batch is the last one. Once ctx is cancelled, the batch ends there with ctx's
// cause as its error.
func readBatch(ctx context.Context, r record.Reader, seq int, reuse *batch) *batch {
	b := reuse
	if b == nil {
		b = &batch{recs: make([]*record.Record, 0, batchSize)}
	}
	b.seq, b.recs, b.err, b.last = seq, b.recs[:0], nil, false
	if ctx.Err() != nil {
		b.err, b.last = context.Cause(ctx), true
		return b
	}
	for len(b.recs) < batchSize {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.err = err
			break
		}
		b.recs = append(b.recs, rec)
	}
	b.last = b.err != nil || len(b.recs) < batchSize
	return b
}

// evalBatch evaluates every record of b into b.rows.
func (ev *Evaluator) evalBatch(b *batch) {
	if cap(b.rows) < len(b.recs) {
		b.rows = make([]rowResult, len(b.recs))
	}
	b.rows = b.rows[:len(b.recs)]
	for i, rec := range b.recs {
		row := &b.rows[i]
		// No start time while the record changes, so that the watch never pairs the
		// last record's start with this record.
		ev.started.Store(0)
		ev.rec.Store(rec)
		ev.started.Store(int64(time.Since(clockBase)))
		row.err = ev.eval(rec, row)
	}
	ev.started.Store(0)
	clear(b.recs) // the records are no longer needed: let them go before the merge
}

// clockBase is what the evaluators time their records from: a monotonic clock.
var clockBase = time.Now()

// watch looks at the evaluators' records now and then, and sends on slow the error of
// the first that has taken longer than limit.
func watch(evs []*Evaluator, limit time.Duration, stop <-chan struct{}, slow chan<- error) {
	t := time.NewTicker(min(limit/4, 250*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			now := time.Since(clockBase)
			for _, ev := range evs {
				// The record, between two readings of when it started: the same
				// reading twice means it is still that record.
				started := ev.started.Load()
				rec := ev.rec.Load()
				if started == 0 || ev.started.Load() != started || now-time.Duration(started) <= limit {
					continue
				}
				slow <- &RowTimeError{Pos: rec.Pos(-1), Limit: limit}
				return
			}
		}
	}
}

func (p *Program) noUsers(s *Stats) error {
	pos := diag.Pos{File: p.Header.File, Sheet: p.Header.Sheet}
	switch {
	case s.Rows == 0:
		return &diag.Error{Pos: pos, Err: errors.New("no records after the header: the users file would be empty")}
	case s.Rejected > 0:
		return &diag.Error{Pos: pos, Err: fmt.Errorf("every record was rejected (%d): the users file would be empty", s.Rejected)}
	default:
		return &diag.Error{Pos: pos, Err: &diag.Hint{
			Err:  fmt.Errorf("skip rules dropped all %d records: the users file would be empty", s.Rows),
			Text: "check the skip rules in " + p.Mapping.File,
		}}
	}
}

func (s *Stats) count(m *merger) {
	s.Users = m.users.len()
	for i := range s.Users {
		if m.strs.str(m.users.at(int32(i)).status) == usersfile.StatusDeleted {
			s.Deleted++
		} else {
			s.Active++
		}
	}
	s.Licenses = len(m.out)
	s.ByLicense = make(map[string]int, len(m.out))
	for _, l := range m.out {
		s.ByLicense[l.name] = len(l.seats)
	}
}

// unassignedAmounts computes the unassigned seats that the catalog takes from another
// export, once, now that the file's licenses are known.
func (p *Program) unassignedAmounts(licenses []license, doc map[string]any) error {
	if len(p.unassigned) == 0 {
		return nil
	}
	ev := p.NewEvaluator()
	ev.env[docVar] = doc
	for i := range licenses {
		l := &licenses[i]
		ce := p.unassigned[l.name]
		if ce == nil {
			continue
		}
		v, err := ev.vm.Run(ce.prog, ev.env)
		if err != nil {
			return &diag.Error{Pos: ce.expr.Pos, Err: fmt.Errorf("%s: %v", ce.field, runError(ce, err))}
		}
		n, err := seatCount(v)
		if err != nil {
			return &diag.Error{Pos: ce.expr.Pos, Err: fmt.Errorf("%s: %v", ce.field, err)}
		}
		l.unassignedAmount = &n
	}
	return nil
}

// seatCount reads a number of seats: a whole number, not negative, as a number or text.
func seatCount(v any) (int64, error) {
	s, err := text(v)
	if f, ok := v.(float64); ok {
		s, err = strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if perr != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number of seats, got %q", s)
	}
	return n, nil
}
