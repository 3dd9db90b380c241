package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Acceptance tests of the times of every data source that has times (policies
// have none), against a fake that writes them as the real service might: another
// layout, an unset end time in each plausible shape, or garbage.

// timesKey is the execution of the times fixture.
var timesKey = fakeapi.ExecutionKey{InstanceID: "ins-times", Namespace: "platform", PolicyID: 7, ExecutionID: 42}

// timesTaskID is the finished task whose sub-tasks the fixture holds.
const timesTaskID = 501

// Stored times, in canonical RFC 3339 UTC (so the state must hold them as they
// are): with and without fractional seconds.
var (
	timesExecutions = []fakeapi.Execution{
		{ID: 42, Status: "InProgress", Trigger: "manual", StartTime: "2024-03-01T10:00:00Z"},
		{ID: 41, Status: "Succeed", Trigger: "scheduled", StartTime: "2024-02-29T23:59:59.25Z", EndTime: "2024-03-01T00:00:07Z"},
	}
	timesTasks = []fakeapi.Task{
		{ID: timesTaskID, Repository: "team/a", Status: "Succeed", StatusCode: 3, StartTime: "2024-03-01T10:00:01Z", EndTime: "2024-03-01T10:00:02.5Z", Total: 3, Retained: 1},
		{ID: 502, Repository: "team/b", Status: "InProgress", StatusCode: 2, StartTime: "2024-03-01T10:00:03.123456Z", Total: 2},
		{ID: 503, Repository: "team/c", Status: "Pending", StartTime: "2024-03-01T10:00:04Z"},
	}
	timesSubTasks = []fakeapi.SubTask{
		{ID: 601, JobID: timesTaskID, Namespace: "platform", Repository: "team/a", Tag: "v1", Action: "DEL", Status: "Succeed", OpTime: "2024-03-01T10:00:02.000001Z"},
		{ID: 602, JobID: timesTaskID, Namespace: "platform", Repository: "team/a", Tag: "v2", Action: "DEL", Status: "Succeed", OpTime: "2024-03-01T10:00:02Z"},
	}
)

// startTimesFake serves the fixture, with the SDK's headers required, the times in
// layout and unset end times written as unsetEnd.
func startTimesFake(t *testing.T, layout fakeapi.TimeLayout, unsetEnd fakeapi.UnsetEndTime) (*fakeapi.Server, string) {
	t.Helper()
	clearProviderEnv(t)
	fake, url := startFake(t)
	fake.RequireSDKHeaders(true)
	fake.SetExecutions(timesKey.InstanceID, timesKey.Namespace, timesKey.PolicyID, timesExecutions)
	fake.SetTasks(timesKey, timesTasks)
	fake.SetSubTasks(timesKey, timesTaskID, timesSubTasks)
	if err := fake.SetTimeLayout(layout); err != nil {
		t.Fatal(err)
	}
	if err := fake.SetUnsetEndTime(unsetEnd); err != nil {
		t.Fatal(err)
	}
	return fake, url
}

// timesListPath is the path suffix of the list call of the data source kind.
var timesListPath = map[string]string{
	"retention_executions":          "/executions",
	"retention_execution_tasks":     "/tasks",
	"retention_execution_sub_tasks": "/subtasks",
}

// timesDataSource is the data source kind over the fixture, and an output of
// every time it read, so that a second plan would show any change of them.
func timesDataSource(c testConfig, kind string) testConfig {
	args := policyArgs(timesKey.InstanceID, timesKey.Namespace, timesKey.PolicyID)
	var list, fields string
	switch kind {
	case "retention_executions":
		list, fields = "executions", "[x.start_time, x.end_time]"
	case "retention_execution_tasks":
		args = executionArgs(timesKey)
		list, fields = "tasks", "[x.start_time, x.end_time]"
	case "retention_execution_sub_tasks":
		args = executionArgs(timesKey, fmt.Sprintf("task_id = %d", timesTaskID))
		list, fields = "sub_tasks", "[x.op_time]"
	}
	return c.data(kind, "t", args...).
		block(`output "times"`, fmt.Sprintf("value = [for x in data.swr_%s.t.%s : %s]", kind, list, fields))
}

// wantTime is the state value of a stored time: itself (already RFC 3339 in
// UTC), null when unset or when the API's text was unreadable.
func wantTime(stored string, unreadable bool) knownvalue.Check {
	if stored == "" || unreadable {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(stored)
}

// timesStateChecks are the exact times in state for the data source kind.
func timesStateChecks(kind string, unreadable bool) []statecheck.StateCheck {
	var list string
	var elems []knownvalue.Check
	switch kind {
	case "retention_executions":
		list = "executions"
		for _, e := range timesExecutions {
			elems = append(elems, knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id": knownvalue.Int64Exact(e.ID), "start_time": wantTime(e.StartTime, unreadable), "end_time": wantTime(e.EndTime, unreadable),
			}))
		}
	case "retention_execution_tasks":
		list = "tasks"
		for _, task := range timesTasks {
			elems = append(elems, knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id": knownvalue.Int64Exact(task.ID), "start_time": wantTime(task.StartTime, unreadable), "end_time": wantTime(task.EndTime, unreadable),
			}))
		}
	case "retention_execution_sub_tasks":
		list = "sub_tasks"
		for _, s := range timesSubTasks {
			elems = append(elems, knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id": knownvalue.Int64Exact(s.ID), "op_time": wantTime(s.OpTime, unreadable),
			}))
		}
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.swr_"+kind+".t", tfjsonpath.New(list), knownvalue.ListExact(elems)),
	}
	if kind == "retention_executions" {
		// latest is the first of executions, the running one.
		checks = append(checks, statecheck.ExpectKnownValue("data.swr_"+kind+".t", tfjsonpath.New("latest").AtMapKey("end_time"), knownvalue.Null()))
	}
	return checks
}

// testTimes reads the data source kind from a fake writing times as layout and
// unsetEnd say, checks the exact times in state, that every read cost one request
// (the fixture is one page: no time, however written, makes a read retry), and
// that a second plan is empty.
func testTimes(t *testing.T, kind string, layout fakeapi.TimeLayout, unsetEnd fakeapi.UnsetEndTime) {
	fake, url := startTimesFake(t, layout, unsetEnd)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            timesDataSource(providerConfig(url, authToken, "max_retries = 1"), kind).String(),
			ConfigStateChecks: timesStateChecks(kind, layout == fakeapi.TimeGarbage),
			Check:             listingDataSource{pathSuffix: timesListPath[kind]}.readCosts(fake, readCost{unfiltered: 1}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// readableLayouts are the layouts whose times must land in state as the same
// instant in RFC 3339 UTC.
var readableLayouts = []fakeapi.TimeLayout{fakeapi.TimeRFC3339, fakeapi.TimeFractional, fakeapi.TimeOffset, fakeapi.TimeNoZone, fakeapi.TimeNoZoneT}

func testTimeLayouts(t *testing.T, kind string) {
	for _, layout := range readableLayouts {
		t.Run(string(layout), func(t *testing.T) { testTimes(t, kind, layout, fakeapi.EndTimeEmpty) })
	}
}

// testUnsetEndTimes: "", null, a missing field and the zero time (in each layout
// that writes it differently) are all a null end_time.
func testUnsetEndTimes(t *testing.T, kind string) {
	cases := []struct {
		mode   fakeapi.UnsetEndTime
		layout fakeapi.TimeLayout
	}{
		{fakeapi.EndTimeEmpty, fakeapi.TimeRFC3339},
		{fakeapi.EndTimeNull, fakeapi.TimeRFC3339},
		{fakeapi.EndTimeMissing, fakeapi.TimeRFC3339},
		{fakeapi.EndTimeZero, fakeapi.TimeRFC3339},
		{fakeapi.EndTimeZero, fakeapi.TimeFractional},
		{fakeapi.EndTimeZero, fakeapi.TimeOffset},
		{fakeapi.EndTimeZero, fakeapi.TimeNoZone},
		{fakeapi.EndTimeZero, fakeapi.TimeNoZoneT},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode)+"/"+string(tc.layout), func(t *testing.T) { testTimes(t, kind, tc.layout, tc.mode) })
	}
}

func TestAccRetentionExecutionsDataSource_TimeLayouts(t *testing.T) {
	testTimeLayouts(t, "retention_executions")
}

func TestAccRetentionExecutionsDataSource_UnsetEndTime(t *testing.T) {
	testUnsetEndTimes(t, "retention_executions")
}

// Garbage times: the read succeeds, every time is null (the warning is asserted
// by TestRetentionExecutionsDataSource_UnreadableTimesWarnOncePerField).
func TestAccRetentionExecutionsDataSource_UnreadableTimes(t *testing.T) {
	testTimes(t, "retention_executions", fakeapi.TimeGarbage, fakeapi.EndTimeEmpty)
}

func TestAccRetentionExecutionTasksDataSource_TimeLayouts(t *testing.T) {
	testTimeLayouts(t, "retention_execution_tasks")
}

func TestAccRetentionExecutionTasksDataSource_UnsetEndTime(t *testing.T) {
	testUnsetEndTimes(t, "retention_execution_tasks")
}

func TestAccRetentionExecutionTasksDataSource_UnreadableTimes(t *testing.T) {
	testTimes(t, "retention_execution_tasks", fakeapi.TimeGarbage, fakeapi.EndTimeEmpty)
}

func TestAccRetentionExecutionSubTasksDataSource_TimeLayouts(t *testing.T) {
	testTimeLayouts(t, "retention_execution_sub_tasks")
}

func TestAccRetentionExecutionSubTasksDataSource_UnreadableTimes(t *testing.T) {
	testTimes(t, "retention_execution_sub_tasks", fakeapi.TimeGarbage, fakeapi.EndTimeEmpty)
}

// ---- unit tests: the conversion itself, and the warnings of a read ----

func TestNormalizeAPITime(t *testing.T) {
	cases := []struct {
		in, want string
		kind     client.TimeKind
	}{
		{"2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01T10:00:00.5Z", "2024-03-01T10:00:00.5Z", client.TimeValid},
		{"2024-03-01T10:00:00.500000Z", "2024-03-01T10:00:00.5Z", client.TimeValid},
		{"2024-03-01T10:00:00.000000Z", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01T18:00:00+08:00", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01T04:30:00.123-05:30", "2024-03-01T10:00:00.123Z", client.TimeValid},
		{"2024-03-01T10:00:00+00:00", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01 10:00:00", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01T10:00:00", "2024-03-01T10:00:00Z", client.TimeValid},
		{"2024-03-01 10:00:00.75", "2024-03-01T10:00:00.75Z", client.TimeValid},
		{"2024-03-01 18:00:00+08:00", "2024-03-01T10:00:00Z", client.TimeValid},
		{"", "", client.TimeNull},
		{"null", "", client.TimeNull},
		{"0001-01-01T00:00:00Z", "", client.TimeNull},
		{"0001-01-01T00:00:00.000000Z", "", client.TimeNull},
		{"0001-01-01T08:00:00+08:00", "", client.TimeNull}, // the zero instant in +08:00
		{"0001-01-01T00:00:00+08:00", "", client.TimeNull}, // zero wall clock in +08:00
		{"0001-01-01 00:00:00", "", client.TimeNull},
		{"0001-01-01T00:00:00", "", client.TimeNull},
		{"0001-01-01T00:00:01Z", "0001-01-01T00:00:01Z", client.TimeValid}, // not the zero time
		{"yesterday", "", client.TimeInvalid},
		{"01/03/2024 10h00 \x1b[1m", "", client.TimeInvalid},
		{"2024-03-01", "", client.TimeInvalid},
		{"2024-13-01T10:00:00Z", "", client.TimeInvalid},
		{"1709287200", "", client.TimeInvalid},
		{" 2024-03-01T10:00:00Z", "", client.TimeInvalid},
	}
	for _, tc := range cases {
		got, kind := normalizeAPITime(tc.in)
		if got != tc.want || kind != tc.kind {
			t.Errorf("normalizeAPITime(%q) = %q, %d; want %q, %d", tc.in, got, kind, tc.want, tc.kind)
		}
		// Idempotent: what goes to state reads back as itself.
		if kind == client.TimeValid {
			if again, _ := normalizeAPITime(got); again != got {
				t.Errorf("normalizeAPITime(%q) = %q, not idempotent", got, again)
			}
		}
	}
}

// A canonical time costs no allocation: reads of 100,000 tasks convert 200,000.
func TestNormalizeAPITimeCanonicalDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { normalizeAPITime("2024-03-01T10:00:00Z") })
	if allocs != 0 {
		t.Errorf("%v allocations per canonical time, want 0", allocs)
	}
}

func TestReadNotes_UnreadableTimesWarnOncePerField(t *testing.T) {
	items := newItemType("Task", idRef(func(tk client.Task) int64 { return tk.ID }),
		timeField("start_time", "Start time", func(tk client.Task) string { return tk.StartTime }),
		timeField("end_time", "End time", func(tk client.Task) string { return tk.EndTime }))
	var tasks []client.Task
	for id := int64(1); id <= 1000; id++ {
		tasks = append(tasks, client.Task{ID: id, StartTime: fmt.Sprintf("garbage-%d\x1b[31m", id), EndTime: "2024-03-01T10:00:00Z"})
	}
	tasks = append(tasks, client.Task{ID: 1001, StartTime: "2024-03-01T10:00:00Z", EndTime: strings.Repeat("é", 100)})
	var notes readNotes
	items.values(tasks, &notes)
	diags := notes.warnings()
	if len(diags) != 2 || diags.HasError() {
		t.Fatalf("want 2 warnings, got %v", diags)
	}
	start, end := diags[0].Detail(), diags[1].Detail()
	for _, want := range []string{`Task 1 has start_time "garbage-1\x1b[31m"`, "999 other tasks also have an unreadable start_time", "its start_time is null"} {
		if !strings.Contains(start, want) {
			t.Errorf("start_time warning %q lacks %q", start, want)
		}
	}
	if strings.ContainsRune(start+end, '\x1b') {
		t.Error("a warning carries a raw escape character")
	}
	if !strings.Contains(end, "Task 1001 has end_time") || !strings.Contains(end, "(200 bytes)") || strings.Contains(end, "other tasks") {
		t.Errorf("end_time warning %q: want the first id, the value cut with its length, no count of others", end)
	}
}

// readThroughProtocol configures the provider against url with the test token and
// reads the data source kind with args through the plugin protocol, as a CLI
// would, and returns the diagnostics: the testing framework cannot see warnings.
func readThroughProtocol(t *testing.T, url, kind string, args map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server, err := testProtoV6ProviderFactories["swr"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	providerConfig := protocolObject(t, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, url), "iam_endpoint": tftypes.NewValue(tftypes.String, url),
		"region": tftypes.NewValue(tftypes.String, fakeapi.DefaultRegion), "auth_token": tftypes.NewValue(tftypes.String, testToken),
		"max_retries": tftypes.NewValue(tftypes.Number, 1),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: &providerConfig})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, configured.Diagnostics)
	}
	typeName := "swr_" + kind
	config := protocolObject(t, schemas.DataSourceSchemas[typeName].ValueType(), args)
	read, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return read.Diagnostics
}

// protocolObject is a value of the object type typ: the given attributes, every
// other one null.
func protocolObject(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	values := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, attrType := range obj.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := attrs[name]; ok {
			values[name] = v
		}
	}
	for name := range attrs {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in %s", name, typ)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

// timesArgs are the arguments of the data source kind over the fixture.
func timesArgs(kind string) map[string]tftypes.Value {
	args := map[string]tftypes.Value{
		"instance_id":    tftypes.NewValue(tftypes.String, timesKey.InstanceID),
		"namespace_name": tftypes.NewValue(tftypes.String, timesKey.Namespace),
		"policy_id":      tftypes.NewValue(tftypes.Number, timesKey.PolicyID),
	}
	if kind != "retention_executions" {
		args["execution_id"] = tftypes.NewValue(tftypes.Number, timesKey.ExecutionID)
	}
	if kind == "retention_execution_sub_tasks" {
		args["task_id"] = tftypes.NewValue(tftypes.Number, timesTaskID)
	}
	return args
}

// fieldAndFirst is a time field and how a warning names the first item that has
// one (its id, and for a task its repository).
type fieldAndFirst struct {
	field string
	first string
}

// testUnreadableTimesWarnings: garbage in every time gives a read without error
// and exactly one warning per time field, naming the field, the first item
// and its value with the escape character quoted.
func testUnreadableTimesWarnings(t *testing.T, kind, item string, fields ...fieldAndFirst) {
	_, url := startTimesFake(t, fakeapi.TimeGarbage, fakeapi.EndTimeEmpty)
	diags := readThroughProtocol(t, url, kind, timesArgs(kind))
	if len(diags) != len(fields) {
		t.Fatalf("want %d warnings (one per field), got %d: %v", len(fields), len(diags), diags)
	}
	for i, f := range fields {
		d := diags[i]
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Summary != "Unreadable time in the SWR API response" {
			t.Errorf("diagnostic %d: %v %q, want the unreadable-time warning", i, d.Severity, d.Summary)
		}
		want := fmt.Sprintf(`%s %s has %s "`, item, f.first, f.field)
		if !strings.Contains(d.Detail, want) || !strings.Contains(d.Detail, `\x1b[1m"`) || strings.ContainsRune(d.Detail, '\x1b') {
			t.Errorf("warning %q: want %q and the value's escape quoted, never raw", d.Detail, want)
		}
	}
}

func TestRetentionExecutionsDataSource_UnreadableTimesWarnOncePerField(t *testing.T) {
	// Only the finished execution, listed second, has an end time to garble.
	testUnreadableTimesWarnings(t, "retention_executions", "Execution", fieldAndFirst{"start_time", "42"}, fieldAndFirst{"end_time", "41"})
}

func TestRetentionExecutionTasksDataSource_UnreadableTimesWarnOncePerField(t *testing.T) {
	testUnreadableTimesWarnings(t, "retention_execution_tasks", "Task", fieldAndFirst{"start_time", `501 (repository "team/a")`}, fieldAndFirst{"end_time", `501 (repository "team/a")`})
}

func TestRetentionExecutionSubTasksDataSource_UnreadableTimesWarnOncePerField(t *testing.T) {
	testUnreadableTimesWarnings(t, "retention_execution_sub_tasks", "Sub-task", fieldAndFirst{"op_time", "601"})
}
