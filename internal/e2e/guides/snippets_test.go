//go:build linux || darwin

// Package guides holds the tests that run the shell commands the docs tell users
// to run (README.md and templates/), in the form the docs give them, against the
// fake SWR API with the provider built from this module and the CLI under test:
// a sentence of a guide that stops being true fails `make test`.
//
// Every fenced shell block (```sh, ```shell, ```bash) of README.md and of a
// template is either run by a test of runs, or named in notRunHere with the
// reason it cannot run here (a real cloud, the public registry, the test suite
// itself). A new block in neither fails TestGuides_EveryShellSnippetIsRunOrExcused
// in `make unit`.
package guides

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// snippet is one fenced shell block of a doc.
type snippet struct {
	file    string // slash-separated, relative to the module root
	section string // the heading it sits under
	index   int    // its place among the shell blocks of the section, from 1
	line    int    // of the opening fence
	text    string // the commands, without the fences
}

// key names a snippet by where it is rather than by what it says, so that a
// changed command is still run by the same test.
func (s snippet) key() string { return fmt.Sprintf("%s § %s #%d", s.file, s.section, s.index) }

// shellFences are the info strings of the blocks a user runs in a shell.
var shellFences = []string{"sh", "shell", "bash"}

// docFiles are the docs whose shell blocks are run: the README and every template
// (docs/ is generated from the templates).
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(root, "templates"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tmpl") {
			rel, err := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// parseSnippets returns the shell blocks of one doc, in order.
func parseSnippets(file, text string) []snippet {
	var out []snippet
	section := ""
	perSection := map[string]int{}
	var cur *snippet
	fence := ""
	for n, line := range strings.Split(text, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(line, "```"):
			fence = "```"
			if info := strings.TrimSpace(strings.TrimPrefix(line, "```")); slices.Contains(shellFences, info) {
				perSection[section]++
				cur = &snippet{file: file, section: section, index: perSection[section], line: n + 1}
			}
		case fence != "" && strings.TrimSpace(line) == fence:
			fence = ""
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		case fence != "":
			if cur != nil {
				cur.text += line + "\n"
			}
		case strings.HasPrefix(line, "#"):
			if title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok {
				section = strings.TrimSpace(title)
			}
		}
	}
	return out
}

// allSnippets are the shell blocks of every doc, keyed.
func allSnippets(t *testing.T, root string) map[string]snippet {
	t.Helper()
	out := map[string]snippet{}
	for _, f := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range parseSnippets(f, string(data)) {
			out[s.key()] = s
		}
	}
	return out
}

// notRunHere are the shell blocks no test runs, each with the reason. A key
// without "§" excuses every block of that file.
var notRunHere = map[string]string{
	"README.md § Installing from a mirror, without internet access #1": "downloads from the public registry; " +
		"the install test (make install-test) installs through a local registry and a network and a filesystem mirror",
	"README.md § Contributing #1": "make test runs this very test; make demo is the demo program, whose " +
		"examples TestAccExamples_RunAsShipped runs and whose README count TestREADMECountsTheDemosExamples checks",
	"templates/guides/audit-one-policy.md.tmpl § Audit one policy #1": "needs Huawei Cloud (placeholders for " +
		"the instance and the policy); examples/audit is run on the fake by TestAccExamples_RunAsShipped",
}

// excused says why a snippet is not run, or "".
func excused(s snippet) string {
	if why := notRunHere[s.key()]; why != "" {
		return why
	}
	return notRunHere[s.file]
}

// Every shell block of the docs is run by a test or excused with a reason, and
// every entry of runs and notRunHere names a block that exists: a new command in
// a guide without a test fails here, in make unit.
func TestGuides_EveryShellSnippetIsRunOrExcused(t *testing.T) {
	root := moduleRoot(t)
	snippets := allSnippets(t, root)
	if len(snippets) == 0 {
		t.Fatal("no shell block found in README.md or templates/")
	}
	for key, s := range snippets {
		_, run := runs[key]
		why := excused(s)
		switch {
		case run && why != "":
			t.Errorf("%s:%d (%s) is both run and excused (%s)", s.file, s.line, key, why)
		case !run && why == "":
			t.Errorf("%s:%d (%s) is run by no test: add it to runs (guides_test.go), or to notRunHere with the reason\n%s",
				s.file, s.line, key, s.text)
		}
	}
	for key := range runs {
		if _, ok := snippets[key]; !ok {
			t.Errorf("runs has %q, which is no shell block of the docs", key)
		}
	}
	for key := range notRunHere {
		if strings.Contains(key, " § ") {
			if _, ok := snippets[key]; !ok {
				t.Errorf("notRunHere has %q, which is no shell block of the docs", key)
			}
		} else if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(key))); err != nil {
			t.Errorf("notRunHere has %q: %v", key, err)
		}
	}
}

func TestParseSnippets(t *testing.T) {
	doc := "# Top\n```sh\na\n```\n## Sub\n```hcl\nx = 1\n```\n```shell\nb\nc\n```\n```sh\n# not a heading\nd\n```\n"
	got := parseSnippets("f.md", doc)
	want := []snippet{
		{file: "f.md", section: "Top", index: 1, line: 2, text: "a\n"},
		{file: "f.md", section: "Sub", index: 1, line: 9, text: "b\nc\n"},
		{file: "f.md", section: "Sub", index: 2, line: 13, text: "# not a heading\nd\n"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseSnippets = %+v\nwant %+v", got, want)
	}
}

// moduleRoot is the module's directory (two levels up from internal/e2e/guides).
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}
