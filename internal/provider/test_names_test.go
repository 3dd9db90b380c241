package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The acceptance suite is selected by name (-run '^TestAcc'), so the name must say
// whether a test runs a CLI: every test that runs one, directly or through the
// package's own helpers, starts with TestAcc, and no other test does. A CLI is run
// by resource.Test, resource.ParallelTest or newCLIWorkdir (cli_run_test.go).
func TestNames_AcceptanceTestsAndOnlyThemStartWithTestAcc(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var funcs []*ast.FuncDecl
	vars := map[string]ast.Node{} // package-level variables, e.g. a table of test cases
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
				funcs = append(funcs, fn)
			}
			if gen, ok := decl.(*ast.GenDecl); ok && gen.Tok == token.VAR {
				for _, spec := range gen.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							vars[n.Name] = vs
						}
					}
				}
			}
		}
	}
	cli := cliRunners(funcs, vars)
	seen := 0
	for _, fn := range funcs {
		if fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") {
			continue
		}
		seen++
		acc := calls(fn.Body, cli)
		switch isAcc := strings.HasPrefix(fn.Name.Name, "TestAcc"); {
		case acc && !isAcc:
			t.Errorf("%s: %s runs a CLI but does not start with TestAcc", fset.Position(fn.Pos()), fn.Name.Name)
		case !acc && isAcc:
			t.Errorf("%s: %s starts with TestAcc but runs no CLI; only acceptance tests may", fset.Position(fn.Pos()), fn.Name.Name)
		}
	}
	if seen == 0 {
		t.Fatal("found no test functions: is the working directory the package's?")
	}
}

// cliRunners are the names of the functions and methods of the package's tests
// that run a CLI, directly or through one another, and of the package-level
// variables that hold such functions (a table of cases), by name: close enough
// for a package whose helpers have distinct names.
func cliRunners(funcs []*ast.FuncDecl, vars map[string]ast.Node) map[string]bool {
	cli := map[string]bool{"resource.Test": true, "resource.ParallelTest": true, "newCLIWorkdir": true}
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			if !cli[fn.Name.Name] && !strings.HasPrefix(fn.Name.Name, "Test") && calls(fn.Body, cli) {
				cli[fn.Name.Name] = true
				changed = true
			}
		}
		for name, spec := range vars {
			if !cli[name] && references(spec, cli) {
				cli[name] = true
				changed = true
			}
		}
	}
	return cli
}

// references reports whether node names one of names (a table of cases that
// holds a function running a CLI).
func references(node ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// calls reports whether body calls one of names: a function (f), a method (x.m,
// by its name m), a package's function (pkg.F, as "pkg.F") or a function of a
// table of cases (table[key](...)).
func calls(body *ast.BlockStmt, names map[string]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return !found
		}
		if index, ok := call.Fun.(*ast.IndexExpr); ok {
			if table, ok := index.X.(*ast.Ident); ok && names[table.Name] {
				found = true
			}
		}
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			found = found || names[fun.Name]
		case *ast.SelectorExpr:
			if pkg, ok := fun.X.(*ast.Ident); ok && names[pkg.Name+"."+fun.Sel.Name] {
				found = true
			}
			found = found || names[fun.Sel.Name]
		}
		return !found
	})
	return found
}
