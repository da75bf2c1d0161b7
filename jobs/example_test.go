package jobs_test

import (
	"fmt"

	"github.com/torii-transform/torii-transform/jobs"
)

func ExampleLoad() {
	f, err := jobs.Load("etc/jobs.yaml", []byte(`
defaults:
  maxAge: 26h
jobs:
  - name: slack
    export: exports/members-*.csv
    mapping: slack
    appAccount: 12345
    maxRemoved: 5%
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	j := f.Jobs[0]
	fmt.Println(j.Name, j.Export, jobs.IsGlob(j.Export), j.Mapping, j.AppAccount, j.MaxAge, j.Guard.MaxRemovedPercent)

	_, err = jobs.Load("jobs.yaml", []byte(`
jobs:
  - name: slack
    export: members.csv
    mapping: slack
    appAccount: 12345
    apiKey: sk-123
    maxage: 26h
`))
	fmt.Println(err)
	// Output:
	// slack etc/exports/members-*.csv true slack 12345 26h0m0s 5
	// jobs.yaml:7:5: jobs[0] (slack): "apiKey": a jobs file must not hold the API key
	// jobs.yaml:8:5: jobs[0] (slack): unknown key "maxage" (did you mean "maxAge"?)
}
