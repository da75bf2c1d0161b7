package push

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/torii-transform/torii-transform/usersfile"
)

// Guard is the check that stops a push that would take the app from many people at once,
// as a truncated export does: Torii removes from the app every user a synced file leaves
// out. It compares the new file with the baseline, the file last pushed.
//
// The threshold is the most removals (the baseline's active users that the new file
// removes or turns deleted, Diff.Removals) allowed; with a the baseline's active users:
//
//   - MaxRemoved > 0: MaxRemoved.
//   - MaxRemovedPercent > 0: floor(MaxRemovedPercent% of a), so that a push refuses exactly
//     when it removes more than that percentage. With MaxRemoved > 0 too, the smaller of
//     the two applies.
//   - MaxRemoved < 0: 0; no active user may be removed or deactivated.
//   - neither set (the zero Guard): max(3, floor(10% of a)). The floor of 3 lets a small
//     app lose a few people without a flag.
//
// Check refuses when the removals exceed the threshold (exactly at the threshold passes),
// and when the new file has no license while the baseline has some. Force makes Check
// pass anyway; Evaluate still says what was overridden.
type Guard struct {
	MaxRemoved        int
	MaxRemovedPercent float64
	Force             bool
}

// Default threshold: 10% of the baseline's active users, never less than 3.
const (
	DefaultMaxRemovedPercent = 10
	MinMaxRemoved            = 3
)

// GuardError is a push the Guard refuses. Its message is lowercase and names the numbers;
// callers add a hint (such as how to force the push) in their own words.
type GuardError struct {
	Removals       int    // active users the new file removes or deactivates
	Threshold      int    // the most removals allowed
	Rule           string // how Threshold follows from the Guard, such as "10% of 40, at least 3"
	BaselineActive int    // active users in the baseline
	// LicensesDropped is set when the new file has no license and the baseline has
	// BaselineLicenses of them.
	LicensesDropped  bool
	BaselineLicenses int
}

func (e *GuardError) Error() string {
	var parts []string
	if e.Removals > e.Threshold {
		parts = append(parts, fmt.Sprintf("%d of the baseline's %d active users would be removed or deactivated, more than the limit of %d (%s)",
			e.Removals, e.BaselineActive, e.Threshold, e.Rule))
	}
	if e.LicensesDropped {
		parts = append(parts, fmt.Sprintf("every license would be dropped: the baseline has %d, the new file none", e.BaselineLicenses))
	}
	return strings.Join(parts, "; ")
}

// Threshold returns the most removals g allows from a baseline with active users active,
// and how it was worked out, for messages.
func (g Guard) Threshold(active int) (limit int, rule string) {
	pct := func(p float64) int {
		// The epsilon keeps 10% of 30 at 3 whatever the rounding of the product.
		return int(math.Floor(p*float64(active)/100 + 1e-9))
	}
	switch {
	case g.MaxRemoved < 0:
		return 0, "no removal allowed"
	case g.MaxRemoved > 0 && g.MaxRemovedPercent > 0:
		p := pct(g.MaxRemovedPercent)
		if p < g.MaxRemoved {
			return p, fmt.Sprintf("%s%% of %d, below the count of %d", formatPercent(g.MaxRemovedPercent), active, g.MaxRemoved)
		}
		return g.MaxRemoved, fmt.Sprintf("a count of %d, below %s%% of %d", g.MaxRemoved, formatPercent(g.MaxRemovedPercent), active)
	case g.MaxRemoved > 0:
		return g.MaxRemoved, "set as a count"
	case g.MaxRemovedPercent > 0:
		return pct(g.MaxRemovedPercent), fmt.Sprintf("%s%% of %d", formatPercent(g.MaxRemovedPercent), active)
	}
	return max(MinMaxRemoved, pct(DefaultMaxRemovedPercent)), fmt.Sprintf("the default: %d%% of %d, at least %d", DefaultMaxRemovedPercent, active, MinMaxRemoved)
}

func formatPercent(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// Evaluate returns what g would refuse in replacing old, the baseline, with new, whether
// or not Force is set, or nil when nothing. d is usersfile.Compare(old, new); nil computes it.
func (g Guard) Evaluate(old, new *usersfile.File, d *usersfile.Diff) *GuardError {
	if d == nil {
		d = usersfile.Compare(old, new)
	}
	s := d.Summary()
	limit, rule := g.Threshold(s.ActiveBefore)
	e := &GuardError{
		Removals:         s.Removals,
		Threshold:        limit,
		Rule:             rule,
		BaselineActive:   s.ActiveBefore,
		LicensesDropped:  s.LicensesBefore > 0 && s.LicensesAfter == 0,
		BaselineLicenses: s.LicensesBefore,
	}
	if e.Removals <= e.Threshold && !e.LicensesDropped {
		return nil
	}
	return e
}

// Check returns a *GuardError when replacing old, the baseline, with new goes beyond g,
// and nil when it does not or when g.Force is set. d is usersfile.Compare(old, new); nil computes it.
func (g Guard) Check(old, new *usersfile.File, d *usersfile.Diff) error {
	if e := g.Evaluate(old, new, d); e != nil && !g.Force {
		return e
	}
	return nil
}

// SetMaxRemoved sets the threshold from its text on the command line: a count ("25") or a
// percentage of the baseline's active users ("5%", "2.5%"). "0" and "0%" allow no removal.
// The error words what is wrong with s.
func (g *Guard) SetMaxRemoved(s string) error {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
			return fmt.Errorf("want a percentage from 0%% to 100%%, got %q", s)
		}
		g.MaxRemoved, g.MaxRemovedPercent = 0, f
		if f == 0 {
			g.MaxRemoved, g.MaxRemovedPercent = -1, 0
		}
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("count too large: %q", s)
		}
		return fmt.Errorf("want a count such as 25 or a percentage such as 5%%, got %q", s)
	}
	g.MaxRemoved, g.MaxRemovedPercent = n, 0
	if n == 0 {
		g.MaxRemoved = -1
	}
	return nil
}
