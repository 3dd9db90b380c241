package provider

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateTemplates = flag.Bool("update", false, "rewrite the generated parts of templates/ instead of failing when they are stale")

// The table of provider arguments in the docs' template, between these markers
// (template comments, which tfplugindocs drops), is generated from
// providerArguments.
const (
	argumentsTableBegin = "{{/* Generated from providerArguments in internal/provider/settings.go by `go generate ./internal/provider`; do not edit. */ -}}\n"
	argumentsTableEnd   = "\n{{- /* End of the generated table. */}}"
)

// argumentsTableMarkdown is the docs' table of the provider's arguments, their
// environment variables and defaults, one row per providerArguments row.
func argumentsTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Argument | Environment variables | Default | Meaning |\n| --- | --- | --- | --- |")
	for _, a := range providerArguments {
		name := "`" + a.name + "`"
		if a.sensitive {
			name += " (sensitive)"
		}
		env := strings.Join(codeList(a.variables()), ", ")
		_, isBool := a.field(&settings{}).(*bool)
		_, isDuration := a.field(&settings{}).(*time.Duration)
		switch lo, hi, ranged := a.rangeText(); {
		case isBool:
			env += " (`true` or `false`)"
		case ranged && isDuration:
			env += fmt.Sprintf(" (`%s` to `%s`)", lo, hi)
		case ranged:
			env += fmt.Sprintf(" (%s to %s)", lo, hi)
		case isDuration:
			env += " (e.g. `30s`, `2m`)"
		}
		def := a.defaultMarkdown()
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "\n| %s | %s | %s | %s |", name, env, def, a.meaning())
	}
	return b.String()
}

// The parts of the templates generated from the code, each between its two
// markers (template comments, which tfplugindocs drops). A part may occur
// several times in a file, and in several files.
const (
	ecosystemTableBegin = "{{/* Generated from ecosystemVariables in internal/provider/ecosystem.go by `go generate ./internal/provider`; do not edit. */ -}}\n"
	ecosystemTableEnd   = "\n{{- /* End of the generated table of variables. */}}"
	// The statement about /v3 sits inside sentences and table cells: no line
	// breaks, no trimming.
	iamVersionBegin = "{{/* iamVersionStatement() in internal/provider/ecosystem.go: */}}"
	iamVersionEnd   = "{{/* end of iamVersionStatement() */}}"
)

var (
	indexTemplate           = filepath.Join("..", "..", "templates", "index.md.tmpl")
	huaweicloudGuide        = filepath.Join("..", "..", "templates", "guides", "coming-from-huaweicloud.md.tmpl")
	troubleshootingTemplate = filepath.Join("..", "..", "templates", "guides", "troubleshooting.md.tmpl")
)

type generatedPart struct {
	file, begin, end string
	text             func() string
}

var generatedParts = []generatedPart{
	{indexTemplate, argumentsTableBegin, argumentsTableEnd, argumentsTableMarkdown},
	{indexTemplate, ecosystemTableBegin, ecosystemTableEnd, ecosystemTableMarkdown},
	{indexTemplate, iamVersionBegin, iamVersionEnd, iamVersionStatement},
	{huaweicloudGuide, iamVersionBegin, iamVersionEnd, iamVersionStatement},
	{troubleshootingTemplate, iamVersionBegin, iamVersionEnd, iamVersionStatement},
}

// Every generated part of the templates is what the code gives: the table of
// arguments (providerArguments), the table of the Huawei Cloud ecosystem's
// variables (ecosystemVariables) and the statement about /v3 (from
// client.ParseIAMEndpoint). When one is stale, `go generate ./internal/provider`
// rewrites it; `make docs` then renders docs/.
func TestDocs_GeneratedPartsAreCurrent(t *testing.T) {
	for _, p := range generatedParts {
		data, err := os.ReadFile(p.file)
		if err != nil {
			t.Fatal(err)
		}
		text, want := string(data), p.text()
		if want == "" {
			t.Fatalf("%s between %q and %q: the code gives no text", p.file, p.begin, p.end)
		}
		var out strings.Builder
		rest, found, stale := text, 0, false
		for {
			begin := strings.Index(rest, p.begin)
			if begin < 0 {
				break
			}
			begin += len(p.begin)
			end := strings.Index(rest[begin:], p.end)
			if end < 0 {
				t.Fatalf("%s: %q without its end marker %q", p.file, p.begin, p.end)
			}
			found++
			if rest[begin:begin+end] != want {
				stale = true
				t.Logf("%s: stale text between %q and %q:\n%s", p.file, p.begin, p.end, rest[begin:begin+end])
			}
			out.WriteString(rest[:begin] + want)
			rest = rest[begin+end:]
		}
		out.WriteString(rest)
		switch {
		case found == 0:
			t.Errorf("%s lacks the markers of a generated part:\n%s…\n…%s", p.file, p.begin, p.end)
		case stale && *updateTemplates:
			if err := os.WriteFile(p.file, []byte(out.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote the part between %q and %q in %s; run make docs to render docs/", p.begin, p.end, p.file)
		case stale:
			t.Errorf("%s is stale: run go generate ./internal/provider, then make docs.\nwant:\n%s", p.file, want)
		}
	}
}
