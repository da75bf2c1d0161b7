package main

import (
	"fmt"

	"github.com/torii-transform/torii-transform/transform"
)

// onErrorFlag reads --on-error.
func onErrorFlag(s string) (transform.OnError, error) {
	switch s {
	case "fail":
		return transform.Fail, nil
	case "skip":
		return transform.Skip, nil
	}
	return 0, usageError{fmt.Errorf("--on-error: want fail or skip, got %q", s)}
}
