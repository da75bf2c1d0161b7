package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/torii/toriitest"
)

var update = flag.Bool("update", false, "rewrite golden files and testscript expectations")

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		// Run as the command itself, for tests that need a process of its own.
		os.Exit(runProcess(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"torii-transform": func() { os.Exit(runProcess(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the command-line behaviours in testdata/script, one behaviour a file.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":  cmdExits,
			"fake":   cmdFake,
			"synced": cmdSynced,
		},
		Setup: func(env *testscript.Env) error {
			// Scripts refer to the bundled example and the golden cases by path.
			root, err := filepath.Abs("../..")
			env.Setenv("ROOT", root)
			// Each script gets its own fake of Torii, and a state folder of its own.
			fake := toriitest.New(fakeKey, append([]int64{fakeAccount}, runAccounts...)...)
			env.Defer(fake.Close)
			env.Values["fake"] = fake
			env.Setenv("TORII_API_URL", fake.URL)
			env.Setenv("TORII_API_KEY", fakeKey)
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, "state"))
			// Where a push to the fake keeps its baseline.
			env.Setenv("BASELINE", push.BaselinePath(filepath.Join(env.WorkDir, "state", "torii-transform"), 7, fakeAccount))
			return err
		},
	})
}

// cmdExits runs a command and checks its exit code: exits CODE PROGRAM [ARGS...].
// Its stdout and stderr can be checked afterwards, as after exec.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// The fake Torii's API key and app account, for scripts.
const (
	fakeKey     = "sk-fake-0123456789abcdef"
	fakeAccount = 4242
)

// cmdFake changes the fake Torii's behaviour: fake fail ENDPOINT STATUS [MESSAGE],
// fake drop ENDPOINT, fake busy N (answer N syncs with 409), fake redirect ENDPOINT URL,
// fake hold ENDPOINT (keep the next request waiting until fake release), fake hang
// ENDPOINT (do the next request's work, then keep it waiting and close the connection),
// fake release, or fake await ENDPOINT N (wait until N requests to ENDPOINT were held).
// ENDPOINT is one of url, storage, register, sync, org.
func cmdFake(ts *testscript.TestScript, neg bool, args []string) {
	fake := ts.Value("fake").(*toriitest.Server)
	endpoints := map[string]string{"url": toriitest.URL, "storage": toriitest.Storage, "register": toriitest.Register, "sync": toriitest.Sync, "org": toriitest.Org}
	if neg || len(args) < 1 || len(args) < 2 && args[0] != "release" {
		ts.Fatalf("usage: fake fail ENDPOINT STATUS [MESSAGE] | drop ENDPOINT | busy N | redirect ENDPOINT URL | hold ENDPOINT | hang ENDPOINT | release | await ENDPOINT N")
	}
	switch args[0] {
	case "fail":
		status, err := strconv.Atoi(args[2])
		ts.Check(err)
		fake.Fail(endpoints[args[1]], toriitest.Fault{Status: status, Message: strings.Join(args[3:], " ")})
	case "drop":
		fake.Fail(endpoints[args[1]], toriitest.Fault{Drop: true})
	case "redirect":
		fake.Fail(endpoints[args[1]], toriitest.Fault{Redirect: args[2]})
	case "hold":
		fake.Fail(endpoints[args[1]], toriitest.Fault{Hold: true})
	case "hang":
		fake.Fail(endpoints[args[1]], toriitest.Fault{After: true, Hold: true, Drop: true})
	case "release":
		fake.Release()
	case "await":
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		ts.Check(fake.AwaitHeld(endpoints[args[1]], n, 10*time.Second))
	case "busy":
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		fake.SetBusy(n)
	default:
		ts.Fatalf("unknown fake command %q", args[0])
	}
}

// cmdSynced checks what the fake Torii synced: synced N [FILE] asserts N syncs, the
// last of which carried FILE's bytes exactly. It also asserts that the API key never
// reached the storage.
func cmdSynced(ts *testscript.TestScript, neg bool, args []string) {
	fake := ts.Value("fake").(*toriitest.Server)
	if neg || len(args) < 1 {
		ts.Fatalf("usage: synced N [FILE]")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	syncs := fake.Syncs()
	if len(syncs) != n {
		ts.Fatalf("%d syncs, want %d", len(syncs), n)
	}
	if len(args) > 1 && !bytes.Equal(syncs[n-1].Data, []byte(ts.ReadFile(args[1]))) {
		ts.Fatalf("the last sync carried:\n%s\nwant %s", syncs[n-1].Data, args[1])
	}
	for _, r := range fake.Requests() {
		if r.Endpoint == toriitest.Storage && (r.Authorization != "" || strings.Contains(r.URL, fakeKey)) {
			ts.Fatalf("the API key reached the storage: %+v", r)
		}
	}
}

// TestGolden converts each case in testdata/golden/<case>/: the export exactly as a vendor
// ships it (input.*, or input.1.*, input.2.*... for the pages of one export),
// mapping.yaml and optional args (extra flags, one a line). A case that succeeds compares
// standard output with want.json, and its warnings, if any, with want.stderr; one that
// fails compares standard error with want.err. go test -update rewrites them.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			// input.1.json, input.2.json...: the pages of one export, in order.
			inputs, _ := filepath.Glob(filepath.Join(dir, "input.*"))
			if len(inputs) == 0 {
				t.Fatalf("want an input.* file, found none")
			}
			args := []string{"convert", "-q", "-m", filepath.Join(dir, "mapping.yaml")}
			if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
				args = append(args, strings.Fields(string(extra))...)
			}
			args = append(args, inputs...)
			var stdout, stderr bytes.Buffer
			code := run(args, strings.NewReader(""), &stdout, &stderr)

			wantErr := filepath.Join(dir, "want.err")
			_, failing := os.Stat(wantErr)
			if failing == nil {
				if code != exitFail {
					t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitFail, stderr.String())
				}
				if stdout.Len() != 0 {
					t.Errorf("a failed run wrote to stdout:\n%s", stdout.String())
				}
				golden(t, wantErr, normalizePaths(stderr.String(), dir))
				return
			}
			if code != exitOK {
				t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
			}
			golden(t, filepath.Join(dir, "want.json"), stdout.String())
			// Warnings, such as merge conflicts, are part of the expected behaviour.
			if _, err := os.Stat(filepath.Join(dir, "want.stderr")); err == nil || stderr.Len() > 0 {
				golden(t, filepath.Join(dir, "want.stderr"), normalizePaths(stderr.String(), dir))
			}
		})
	}
}

// normalizePaths replaces the case's folder in messages, so want.err reads as a user
// would see it when running in that folder.
func normalizePaths(s, dir string) string {
	return regexp.MustCompile(regexp.QuoteMeta(dir+string(filepath.Separator))).ReplaceAllString(s, "")
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
