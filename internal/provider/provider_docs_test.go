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
		env := strings.Join(codeList(a.env), ", ")
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

// The template's table of arguments is the one providerArguments gives. When it
// is stale, `go generate ./internal/provider` rewrites it; `make docs` then
// renders docs/index.md.
func TestDocs_ProviderArgumentsTableIsCurrent(t *testing.T) {
	file := filepath.Join("..", "..", "templates", "index.md.tmpl")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	begin := strings.Index(text, argumentsTableBegin)
	end := strings.Index(text, argumentsTableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers of the generated table of arguments:\n%s…\n…%s", file, argumentsTableBegin, argumentsTableEnd)
	}
	begin += len(argumentsTableBegin)
	want := argumentsTableMarkdown()
	if text[begin:end] == want {
		return
	}
	if *updateTemplates {

		if err := os.WriteFile(file, []byte(text[:begin]+want+text[end:]), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the table of arguments in %s; run make docs to render docs/", file)
		return
	}
	t.Errorf("the table of arguments in %s is stale: run go generate ./internal/provider, then make docs.\nwant:\n%s\ngot:\n%s", file, want, text[begin:end])
}
