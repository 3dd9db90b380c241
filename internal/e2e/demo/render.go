package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// OutputOrder lists the output blocks of the .tf files in dir in the order they
// are written (files by name), so the demo prints a summary an example puts
// first before its long lists; `output` itself sorts them by name.
func OutputOrder(dir string) ([]string, error) { return blockNames(dir, "output") }

// blockNames are the labels of the blocks of type kind (output, variable) that
// the configuration in dir declares, in file and declaration order.
func blockNames(dir, kind string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	p := hclparse.NewParser()
	var names []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, diags := p.ParseHCL(src, f)
		if diags.HasErrors() {
			return nil, diags
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			if b.Type == kind && len(b.Labels) == 1 {
				names = append(names, b.Labels[0])
			}
		}
	}
	return names, nil
}

// MoreRowsHint tells how to see every row of a shortened output.
const MoreRowsHint = "DEMO_ROWS=all make demo shows them all"

// Render prints the outputs named in order (any other after them, by name):
// a scalar on one line; a short map of scalars on one line; a list, or a long
// map, one row per line, at most rows of them (rows <= 0: all), numeric maps
// largest first.
func Render(w io.Writer, order []string, outputs map[string]tfexec.OutputMeta, rows int) {
	names := append([]string(nil), order...)
	known := map[string]bool{}
	for _, n := range order {
		known[n] = true
	}
	var rest []string
	for n := range outputs {
		if !known[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, name := range append(names, rest...) {
		meta, ok := outputs[name]
		if !ok {
			continue
		}
		if meta.Sensitive {
			fmt.Fprintf(w, "==> %s: (sensitive)\n", name)
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(meta.Value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			fmt.Fprintf(w, "==> %s: %s\n", name, meta.Value)
			continue
		}
		renderValue(w, name, v, rows)
	}
}

func renderValue(w io.Writer, name string, v any, rows int) {
	switch v := v.(type) {
	case []any:
		lines := make([]string, len(v))
		for i, e := range v {
			lines[i] = scalar(e)
		}
		fmt.Fprintf(w, "==> %s (%d):\n", name, len(v))
		printRows(w, lines, rows)
	case map[string]any:
		keys := sortedKeys(v)
		switch {
		case len(v) <= 8 && allScalar(v):
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = client.Printable(k) + "=" + scalar(v[k])
			}
			fmt.Fprintf(w, "==> %s: %s\n", name, strings.Join(parts, " "))
		case len(v) <= 8 && !allCollections(v):
			renderObject(w, name, v, keys)
		default:
			renderGroups(w, name, v, keys, rows)
		}
	default:
		fmt.Fprintf(w, "==> %s: %s\n", name, scalar(v))
	}
}

// renderObject prints an object (a few named values of any kind) one value a line,
// every one of them: nested lists and maps inline.
func renderObject(w io.Writer, name string, v map[string]any, keys []string) {
	sort.Strings(keys)
	width := 0
	for _, k := range keys {
		width = max(width, len(k))
	}
	fmt.Fprintf(w, "==> %s:\n", name)
	for _, k := range keys {
		fmt.Fprintf(w, "    %-*s  %s\n", width, client.Printable(k), scalar(v[k]))
	}
}

// renderGroups prints a long map, or a map of lists or maps (findings per
// instance), one entry a line, at most rows of them and of each inner list; the
// findings of an audit by kind (byFindingKind) show every kind instead, one
// finding of each, since each kind is a different thing to see. The count
// counts the rows under it (see leaves), and so does the "more" line.
func renderGroups(w io.Writer, name string, v map[string]any, keys []string, rows int) {
	fmt.Fprintf(w, "==> %s (%d):\n", name, leaves(v))
	groups, inRows := rows, rows
	if rows > 0 && byFindingKind(keys) {
		groups, inRows = 0, 1
	}
	var lines []string
	width := 0
	for _, k := range keys {
		width = max(width, len(k))
	}
	for _, k := range keys {
		var inner []string
		switch e := v[k].(type) {
		case []any:
			for _, x := range e {
				inner = append(inner, scalar(x))
			}
		case map[string]any:
			for _, ik := range sortedKeys(e) {
				inner = append(inner, client.Printable(ik)+"  "+scalar(e[ik]))
			}
		default:
			lines = append(lines, fmt.Sprintf("%-*s  %s", width, client.Printable(k), scalar(v[k])))
			continue
		}
		if len(inner) == 0 {
			lines = append(lines, client.Printable(k)+": (none)")
			continue
		}
		lines = append(lines, client.Printable(k)+":\n"+strings.Join(capRows(inner, inRows, "      "), "\n"))
	}
	if groups <= 0 || len(lines) <= groups || !allCollections(v) {
		printRows(w, lines, groups)
		return
	}
	hidden := 0
	for _, k := range keys[groups:] {
		hidden += leaves(map[string]any{k: v[k]})
	}
	for _, l := range lines[:groups] {
		fmt.Fprintln(w, "    "+l)
	}
	fmt.Fprintf(w, "    ... %d more in %d more groups (%s)\n", hidden, len(lines)-groups, MoreRowsHint)
}

// byFindingKind: every key is a kind of finding of the account audit
// (audit.Kinds), as examples/account-audit groups its findings.
func byFindingKind(keys []string) bool {
	for _, k := range keys {
		if !slices.Contains(audit.Kinds, audit.Kind(k)) {
			return false
		}
	}
	return len(keys) > 0
}

func allCollections(m map[string]any) bool {
	for _, v := range m {
		switch v.(type) {
		case []any, map[string]any:
		default:
			return false
		}
	}
	return true
}

func printRows(w io.Writer, lines []string, rows int) {
	for _, l := range capRows(lines, rows, "    ") {
		fmt.Fprintln(w, l)
	}
}

// capRows indents at most rows of lines (rows <= 0: all), then says how many
// more there are and how to see them.
func capRows(lines []string, rows int, indent string) []string {
	shown := lines
	if rows > 0 && len(lines) > rows {
		shown = lines[:rows]
	}
	out := make([]string, 0, len(shown)+1)
	for _, l := range shown {
		out = append(out, indent+l)
	}
	if len(shown) < len(lines) {
		out = append(out, fmt.Sprintf("%s... %d more (%s)", indent, len(lines)-len(shown), MoreRowsHint))
	}
	return out
}

// leaves counts what a map holds: its entries, or, when its values are lists or
// maps (findings per instance), the elements of those, so that the count counts
// the rows shown under it, not the groups.
func leaves(m map[string]any) int {
	n, grouped := 0, false
	for _, v := range m {
		switch v := v.(type) {
		case []any:
			n, grouped = n+len(v), true
		case map[string]any:
			n, grouped = n+len(v), true
		default:
			n++
		}
	}
	if !grouped {
		return len(m)
	}
	return n
}

// sortedKeys orders a map's keys: numeric values largest first, then by key
// (numeric keys as numbers).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	allNum := true
	for _, v := range m {
		if _, ok := v.(json.Number); !ok {
			allNum = false
		}
	}
	num := func(k string) (float64, bool) {
		if !allNum {
			return 0, false
		}
		n, ok := m[k].(json.Number)
		if !ok {
			return 0, false
		}
		f, err := n.Float64()
		return f, err == nil
	}
	sort.Slice(keys, func(i, j int) bool {
		a, aok := num(keys[i])
		b, bok := num(keys[j])
		if aok && bok && a != b {
			return a > b
		}
		ai, aerr := strconv.ParseInt(keys[i], 10, 64)
		bi, berr := strconv.ParseInt(keys[j], 10, 64)
		if aerr == nil && berr == nil {
			return ai < bi
		}
		return keys[i] < keys[j]
	})
	return keys
}

func allScalar(m map[string]any) bool {
	for _, v := range m {
		switch v.(type) {
		case []any, map[string]any:
			return false
		}
	}
	return true
}

// scalar prints a value on one line: strings bare, null as "null", a list as its
// elements joined by ", " (at most inlineItems, then how many more), an object as
// key=value pairs by key, never as JSON.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return client.Printable(v)
	case nil:
		return "null"
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, 0, min(len(v), inlineItems))
		for _, e := range v[:min(len(v), inlineItems)] {
			parts = append(parts, scalar(e))
		}
		if len(parts) == 0 {
			return "(none)"
		}
		out := strings.Join(parts, ", ")
		if more := len(v) - len(parts); more > 0 {
			out += fmt.Sprintf(" and %d more", more)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		sep := " "
		for i, k := range keys {
			parts[i] = client.Printable(k) + "=" + scalar(v[k])
			if strings.Contains(parts[i], ", ") {
				sep = "; " // a list inside: the pairs apart from its elements
			}
		}
		return strings.Join(parts, sep)
	}
	return client.Printable(fmt.Sprint(v))
}

// inlineItems is how many elements of a list inside a row are shown.
const inlineItems = 3
