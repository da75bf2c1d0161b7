package push

import (
	"errors"
	"fmt"
	"testing"

	"github.com/torii-transform/torii-transform/usersfile"
)

// baseline returns a file of active users (and deleted ones) with one license.
func baseline(active, deleted int) *usersfile.File {
	f := &usersfile.File{Licenses: []usersfile.License{{Name: "Pro"}}}
	for i := range active {
		f.Users = append(f.Users, usersfile.User{Email: fmt.Sprintf("a%04d@example.com", i), Status: usersfile.StatusActive})
	}
	for i := range deleted {
		f.Users = append(f.Users, usersfile.User{Email: fmt.Sprintf("d%04d@example.com", i), Status: usersfile.StatusDeleted})
	}
	return f
}

// without returns f without its first n users, keeping its licenses.
func without(f *usersfile.File, n int) *usersfile.File {
	return &usersfile.File{Users: f.Users[n:], Licenses: f.Licenses}
}

func TestGuardThreshold(t *testing.T) {
	for _, tc := range []struct {
		g      Guard
		active int
		want   int
		rule   string
	}{
		{Guard{}, 0, 3, "the default: 10% of 0, at least 3"},
		{Guard{}, 29, 3, "the default: 10% of 29, at least 3"},
		{Guard{}, 39, 3, "the default: 10% of 39, at least 3"},
		{Guard{}, 40, 4, "the default: 10% of 40, at least 3"},
		{Guard{}, 1000, 100, "the default: 10% of 1000, at least 3"},
		{Guard{MaxRemoved: 25}, 1000, 25, "set as a count"},
		{Guard{MaxRemoved: 25}, 10, 25, "set as a count"},
		{Guard{MaxRemoved: -1}, 1000, 0, "no removal allowed"},
		{Guard{MaxRemovedPercent: 5}, 1000, 50, "5% of 1000"},
		{Guard{MaxRemovedPercent: 2.5}, 999, 24, "2.5% of 999"}, // 24.975: 25 removals is more than 2.5%
		{Guard{MaxRemovedPercent: 10}, 30, 3, "10% of 30"},      // exactly, despite float rounding
		{Guard{MaxRemovedPercent: 5}, 10, 0, "5% of 10"},        // no floor of 3 for a chosen percentage
		{Guard{MaxRemoved: 25, MaxRemovedPercent: 1}, 1000, 10, "1% of 1000, below the count of 25"},
		{Guard{MaxRemoved: 5, MaxRemovedPercent: 1}, 1000, 5, "a count of 5, below 1% of 1000"},
	} {
		got, rule := tc.g.Threshold(tc.active)
		if got != tc.want || rule != tc.rule {
			t.Errorf("%+v.Threshold(%d) = %d, %q; want %d, %q", tc.g, tc.active, got, rule, tc.want, tc.rule)
		}
	}
}

// TestGuardBoundaries removes users one at a time around the threshold.
func TestGuardBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		g         Guard
		active    int
		threshold int
	}{
		{"default 10%", Guard{}, 50, 5},
		{"default floor of 3", Guard{}, 12, 3},
		{"count", Guard{MaxRemoved: 7}, 20, 7},
		{"percent", Guard{MaxRemovedPercent: 20}, 20, 4},
		{"none allowed", Guard{MaxRemoved: -1}, 20, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := baseline(tc.active, 2)
			// Deleted users in the baseline are not removals: dropping them is free.
			if err := tc.g.Check(old, &usersfile.File{Users: old.Users[:tc.active], Licenses: old.Licenses}, nil); err != nil {
				t.Errorf("dropping only deleted users: %v", err)
			}
			if err := tc.g.Check(old, without(old, tc.threshold), nil); err != nil {
				t.Errorf("removing exactly %d: %v; want a pass", tc.threshold, err)
			}
			err := tc.g.Check(old, without(old, tc.threshold+1), nil)
			var ge *GuardError
			if !errors.As(err, &ge) {
				t.Fatalf("removing %d: err = %v; want a *GuardError", tc.threshold+1, err)
			}
			if ge.Removals != tc.threshold+1 || ge.Threshold != tc.threshold || ge.BaselineActive != tc.active || ge.LicensesDropped {
				t.Errorf("GuardError = %+v", ge)
			}
			// Deactivating counts as removing.
			deact := without(old, 0)
			deact.Users = append([]usersfile.User(nil), old.Users...)
			for i := range tc.threshold + 1 {
				deact.Users[i].Status = usersfile.StatusDeleted
			}
			if err := tc.g.Check(old, deact, nil); err == nil {
				t.Errorf("deactivating %d passed", tc.threshold+1)
			}
			forced := tc.g
			forced.Force = true
			if err := forced.Check(old, without(old, tc.threshold+1), nil); err != nil {
				t.Errorf("with Force: %v; want a pass", err)
			}
			if forced.Evaluate(old, without(old, tc.threshold+1), nil) == nil {
				t.Errorf("with Force, Evaluate says nothing was overridden")
			}
		})
	}
}

func TestGuardTruncatedExport(t *testing.T) {
	old := baseline(1000, 0)
	truncated := &usersfile.File{Users: old.Users[:600]} // the export stopped at row 600, before the licenses
	err := Guard{}.Check(old, truncated, usersfile.Compare(old, truncated))
	want := "400 of the baseline's 1000 active users would be removed or deactivated, more than the limit of 100 (the default: 10% of 1000, at least 3); " +
		"every license would be dropped: the baseline has 1, the new file none"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if err := (Guard{Force: true}).Check(old, truncated, nil); err != nil {
		t.Errorf("with Force: %v", err)
	}
}

func TestGuardLicensesDropped(t *testing.T) {
	old := baseline(10, 0)
	err := Guard{}.Check(old, &usersfile.File{Users: old.Users}, nil)
	var ge *GuardError
	if !errors.As(err, &ge) || !ge.LicensesDropped || ge.Removals != 0 ||
		err.Error() != "every license would be dropped: the baseline has 1, the new file none" {
		t.Errorf("err = %v (%+v); want every license dropped, and no removal", err, ge)
	}
	// A baseline without licenses drops none.
	if err := (Guard{}).Check(&usersfile.File{Users: old.Users}, &usersfile.File{Users: old.Users}, nil); err != nil {
		t.Errorf("no licenses on either side: %v", err)
	}
	// Renaming the only license is not dropping every license.
	if err := (Guard{}).Check(old, &usersfile.File{Users: old.Users, Licenses: []usersfile.License{{Name: "Pro 2025"}}}, nil); err != nil {
		t.Errorf("a license renamed: %v", err)
	}
}

func TestGuardEmptyBaseline(t *testing.T) {
	// A baseline of deleted users only: nothing can be removed, the floor of 3 stands.
	old := baseline(0, 5)
	if err := (Guard{}).Check(old, &usersfile.File{Users: []usersfile.User{{Email: "new@example.com"}}, Licenses: old.Licenses}, nil); err != nil {
		t.Errorf("replacing deleted users: %v", err)
	}
	if err := (Guard{}).Check(&usersfile.File{}, baseline(10, 0), nil); err != nil {
		t.Errorf("from an empty baseline: %v", err)
	}
}

func TestGuardSetMaxRemoved(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Guard
		err  string
	}{
		{"25", Guard{MaxRemoved: 25}, ""},
		{"0", Guard{MaxRemoved: -1}, ""},
		{"5%", Guard{MaxRemovedPercent: 5}, ""},
		{"2.5%", Guard{MaxRemovedPercent: 2.5}, ""},
		{"0%", Guard{MaxRemoved: -1}, ""},
		{"100%", Guard{MaxRemovedPercent: 100}, ""},
		{"-3", Guard{}, `want a count such as 25 or a percentage such as 5%, got "-3"`},
		{"lots", Guard{}, `want a count such as 25 or a percentage such as 5%, got "lots"`},
		{"150%", Guard{}, `want a percentage from 0% to 100%, got "150%"`},
		{"NaN%", Guard{}, `want a percentage from 0% to 100%, got "NaN%"`},
		{"99999999999999999999", Guard{}, `count too large: "99999999999999999999"`},
	} {
		var g Guard
		err := g.SetMaxRemoved(tc.in)
		if msg := fmt.Sprint(err); tc.err != "" && msg != tc.err || tc.err == "" && err != nil {
			t.Errorf("SetMaxRemoved(%q) = %v, want error %q", tc.in, err, tc.err)
		}
		if g != tc.want {
			t.Errorf("SetMaxRemoved(%q) set %+v, want %+v", tc.in, g, tc.want)
		}
	}
}
