package torii

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// PushResult is what a successful push did.
type PushResult struct {
	FileID   int64
	FilePath string
	Bytes    int
	Took     time.Duration
}

// SyncError is a push whose file was uploaded and registered but not synced. The file
// can be synced later by its id, without uploading it again.
type SyncError struct {
	FileID int64
	Err    error
}

func (e *SyncError) Error() string {
	return fmt.Sprintf("the file was uploaded and registered as file %d, but the sync failed: %v", e.FileID, e.Err)
}

func (e *SyncError) Unwrap() error { return e.Err }

// Push uploads data as a custom-integration file named name and syncs it to the app
// account: ask for an upload URL, PUT the bytes, register the file (UploadFile), sync.
// step, when not nil, is told each step as it starts.
func (c *Client) Push(ctx context.Context, name string, data []byte, typ string, appAccount int64, step func(string)) (PushResult, error) {
	if step == nil {
		step = func(string) {}
	}
	start := time.Now()
	res, err := c.UploadFile(ctx, name, data, typ, step)
	if err != nil {
		return res, err
	}
	step(fmt.Sprintf("syncing file %d to app account %d", res.FileID, appAccount))
	if err := c.Sync(ctx, res.FileID, appAccount); err != nil {
		return res, &SyncError{FileID: res.FileID, Err: err}
	}
	res.Took = time.Since(start)
	return res, nil
}

// UploadFile uploads data as a custom-integration file named name and registers it, so
// that Sync can sync it by res.FileID: ask for an upload URL, PUT the bytes, register
// the file. An upload that fails gets a fresh URL (they are one-time and expire), so a
// retry never reuses one. step, when not nil, is told each step as it starts.
func (c *Client) UploadFile(ctx context.Context, name string, data []byte, typ string, step func(string)) (PushResult, error) {
	if step == nil {
		step = func(string) {}
	}
	start := time.Now()
	res := PushResult{Bytes: len(data)}
	var err error
	for attempt := 1; ; attempt++ {
		step("asking for an upload URL")
		var uploadURL string
		uploadURL, res.FilePath, err = c.UploadURL(ctx, name, typ)
		if err != nil {
			return res, err
		}
		step(fmt.Sprintf("uploading %d bytes", len(data)))
		err = c.Upload(ctx, uploadURL, typ, data)
		if err == nil {
			break
		}
		if attempt >= c.Retry.Attempts || ctx.Err() != nil || !uploadRetryable(err) {
			return res, fmt.Errorf("upload: %w", err)
		}
		// An expired or already used URL answers 403: a new one fixes that at once.
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
			if err := c.sleep(ctx, c.backoff(attempt)); err != nil {
				return res, err
			}
		}
	}
	step("registering the file")
	res.FileID, err = c.RegisterFile(ctx, res.FilePath, UploadType)
	if err != nil {
		return res, fmt.Errorf("the file was uploaded but not registered, so nothing changed in Torii: %w", err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// uploadRetryable reports whether a failed upload may be tried again with a new URL:
// an expired or used URL (403), a storage failure (5xx, 429), or no answer.
func uploadRetryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusForbidden || ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusRequestTimeout || ae.Status >= 500
	}
	var te *transportError
	return errors.As(err, &te) && !te.permanent
}
