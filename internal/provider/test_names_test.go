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
// whether a test runs a CLI: every test that calls resource.Test or
// resource.ParallelTest, or drives a CLI itself through newCLIWorkdir, starts with
// TestAcc, and no other test does.
func TestNames_AcceptanceTestsAndOnlyThemStartWithTestAcc(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
				continue
			}
			seen++
			acc := runsCLI(fn.Body)
			switch isAcc := strings.HasPrefix(fn.Name.Name, "TestAcc"); {
			case acc && !isAcc:
				t.Errorf("%s: %s runs a CLI (resource.Test) but does not start with TestAcc", fset.Position(fn.Pos()), fn.Name.Name)
			case !acc && isAcc:
				t.Errorf("%s: %s starts with TestAcc but runs no CLI; only acceptance tests may", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
	if seen == 0 {
		t.Fatal("found no test functions: is the working directory the package's?")
	}
}

// runsCLI reports whether body calls resource.Test, resource.ParallelTest or
// newCLIWorkdir (a CLI run one command at a time, see cli_run_test.go).
func runsCLI(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return !found
		}
		if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "newCLIWorkdir" {
			found = true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "resource" && (sel.Sel.Name == "Test" || sel.Sel.Name == "ParallelTest") {
				found = true
			}
		}
		return !found
	})
	return found
}
