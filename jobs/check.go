package jobs

import (
	"fmt"
	"maps"
	"slices"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/transform"
)

// Check loads and lints every mapping the jobs of f name, each once, and checks the
// jobs' lookups against the tables their mapping declares. It reads no export and no
// lookup file: the columns are checked when a job runs. It returns every problem at
// once, as a diag.ErrorList, and the number of mappings checked.
func Check(f *File) (int, error) {
	var all diag.ErrorList
	linted := map[string]error{}
	for i, j := range f.Jobs {
		if j.Mapping == "" || j.Mapping == mappings.Auto {
			continue
		}
		m, loadErr := mappings.Open(j.Mapping)
		if _, done := linted[j.Mapping]; !done {
			err := loadErr
			if m != nil {
				_, cerr := transform.Compile(m, nil, transform.CompileOptions{Timezone: m.Input.Timezone})
				err = transform.MappingErrors(loadErr, cerr)
			}
			linted[j.Mapping] = err
			if err != nil {
				if _, positioned := err.(diag.ErrorList); !positioned {
					err = &diag.Error{Pos: j.MappingPos, Err: err}
				}
				all = append(all, err)
			}
		}
		if m == nil {
			continue
		}
		what := fmt.Sprintf("jobs[%d] (%s)", i, j.Name)
		for _, name := range slices.Sorted(maps.Keys(j.Lookups)) {
			if _, ok := m.Lookups[name]; !ok {
				declares := "declares no lookups"
				if len(m.Lookups) > 0 {
					declares = "declares " + diag.QuoteAll(slices.Sorted(maps.Keys(m.Lookups)))
				}
				all = append(all, diag.Errorf(j.LookupPos[name], "%s.lookups: the mapping %s has no lookup %q (it %s)%s",
					what, m.File, name, declares, diag.DidYouMean(name, slices.Collect(maps.Keys(m.Lookups)))))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(m.Lookups)) {
			if _, given := j.Lookups[name]; !given && m.Lookups[name].File == "" {
				all = append(all, &diag.Error{Pos: j.MappingPos, Err: &diag.Hint{
					Err:  fmt.Errorf("%s: the mapping's lookup %q needs a file", what, name),
					Text: fmt.Sprintf("add it under the job's lookups: %s: FILE", name),
				}})
			}
		}
	}
	return len(linted), flatten(all).Err()
}

// flatten puts the errors of nested lists in one list.
func flatten(errs diag.ErrorList) diag.ErrorList {
	var out diag.ErrorList
	for _, e := range errs {
		if l, ok := e.(diag.ErrorList); ok {
			out = append(out, flatten(l)...)
			continue
		}
		out = append(out, e)
	}
	return out
}
