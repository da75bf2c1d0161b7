package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressOnlyOnATerminal(t *testing.T) {
	var stderr bytes.Buffer
	c := &cli{stderr: &stderr}
	r, p := c.startProgress(strings.NewReader("data"), 4)
	if p != nil {
		t.Fatal("progress started on a writer that is not a terminal")
	}
	if s, ok := r.(*strings.Reader); !ok || s.Len() != 4 {
		t.Errorf("the input was wrapped: %T", r)
	}
	p.setRows(10) // a nil progress ignores calls
	p.done()
	if stderr.Len() != 0 {
		t.Errorf("wrote %q", stderr.String())
	}
}

func TestProgressLine(t *testing.T) {
	p := &progress{total: 50_000_000}
	p.read.Store(12_500_000)
	p.rows.Store(300_000)
	if got, want := p.line(2*time.Second), "reading:  25%  12.5 of 50.0 MB  150000 rows/s"; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	p.total = 0
	if got, want := p.line(2*time.Second), "reading: 12.5 MB  150000 rows/s"; got != want {
		t.Errorf("line on stdin = %q, want %q", got, want)
	}
}
