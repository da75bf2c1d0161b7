package main

// runAccounts are more app accounts the fake Torii knows, for the scripts of run
// (run-*.txtar), whose jobs push to several accounts.
var runAccounts = []int64{4343, 4444}
