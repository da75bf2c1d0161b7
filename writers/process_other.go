//go:build !unix

package writers

// processAlive cannot tell here: every writer counts as alive, so no temporary file is
// ever taken for a dead one.
func processAlive(int) bool { return true }
