package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progress shows on a terminal how far a conversion is: bytes read of the total and
// rows per second. It waits a second before it shows anything, so quick runs print
// nothing, and it is never used when standard error is not a terminal.
type progress struct {
	w     io.Writer
	total int64 // bytes; 0 when unknown, as on standard input
	read  atomic.Int64
	rows  atomic.Int64
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startProgress returns r counted by a progress line on standard error, or nil when
// standard error is not a terminal.
func (c *cli) startProgress(r io.Reader, total int64) (io.Reader, *progress) {
	f, ok := c.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return r, nil
	}
	p := &progress{w: c.stderr, total: total, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return &countingReader{r: r, n: &p.read}, p
}

// setRows records how many rows were read so far.
func (p *progress) setRows(n int) {
	if p != nil {
		p.rows.Store(int64(n))
	}
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	shown := false
	for {
		select {
		case <-p.stop:
			if shown {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			return
		case now := <-t.C:
			elapsed := now.Sub(p.start)
			if elapsed < time.Second {
				continue
			}
			shown = true
			fmt.Fprintf(p.w, "\r\x1b[K%s", p.line(elapsed))
		}
	}
}

func (p *progress) line(elapsed time.Duration) string {
	read := p.read.Load()
	rate := float64(p.rows.Load()) / elapsed.Seconds()
	if p.total > 0 {
		return fmt.Sprintf("reading: %3.0f%%  %.1f of %.1f MB  %.0f rows/s", 100*float64(read)/float64(p.total), mb(read), mb(p.total), rate)
	}
	return fmt.Sprintf("reading: %.1f MB  %.0f rows/s", mb(read), rate)
}

func mb(n int64) float64 { return float64(n) / 1e6 }

// done clears the progress line.
func (p *progress) done() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
