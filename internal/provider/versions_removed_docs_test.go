package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
)

// versionsRemovedRule is the phrase every place that says what versions_removed
// counts states: Harbor counts retained as total minus the deletions that
// succeeded (../shared/api/README.md, "Counts"; the sample data follows it, see
// fakeapi's TestSeedSample_TaskCountsAgreeWithTheirSubTasks).
const versionsRemovedRule = "deletions that succeeded"

// versionsRemovedOtherMeanings are the phrases of the meanings it no longer has.
var versionsRemovedOtherMeanings = []string{"not confirmed deletions", "did not keep", "would not keep"}

// versions_removed means one thing: the schema, the tasks page, the README and
// the description of every example output about removed versions state
// Harbor's rule, the schema and the tasks page what a dry run and a failed run
// count, and none of them an older meaning.
func TestDocs_VersionsRemovedMeansOneThing(t *testing.T) {
	var resp datasource.SchemaResponse
	NewRetentionExecutionTasksDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	schemaText := resp.Schema.Attributes["versions_removed"].GetMarkdownDescription()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	places := map[string]string{
		"the schema of versions_removed": schemaText,
		"the tasks page":                 templateText(t, "data-sources/retention_execution_tasks.md.tmpl"),
		"README.md":                      strings.Join(strings.Fields(string(readme)), " "),
	}
	description := regexp.MustCompile(`description\s*=\s*"([^"]*)"`)
	outputs := 0
	for _, d := range exampleDirs(t) {
		for name, src := range exampleFiles(t, d) {
			for _, m := range description.FindAllStringSubmatch(src, -1) {
				if lower := strings.ToLower(m[1]); strings.Contains(lower, "versions") && (strings.Contains(lower, "removed") || strings.Contains(lower, "deleted")) {
					places["examples/"+d+"/"+name+": "+m[1]] = m[1]
					outputs++
				}
			}
		}
	}
	if outputs < 2 {
		t.Errorf("%d example outputs describe removed versions; examples/demo and examples/audit have them", outputs)
	}
	for where, text := range places {
		if !strings.Contains(text, versionsRemovedRule) {
			t.Errorf("%s does not say that versions_removed counts the %s", where, versionsRemovedRule)
		}
		for _, old := range versionsRemovedOtherMeanings {
			if strings.Contains(text, old) {
				t.Errorf("%s still says %q", where, old)
			}
		}
	}
	for _, where := range []string{"the schema of versions_removed", "the tasks page"} {
		for _, want := range []string{"dry run", "failed run"} {
			if !strings.Contains(places[where], want) {
				t.Errorf("%s does not say what a %s counts", where, want)
			}
		}
	}
}
