package provider

// Benchmarks of what the data source does with a listing once the client has it.
// They measure; they assert nothing about speed. Profile with e.g.
//
//	go test -run '^$' -bench TaskTerraformValue -benchmem -cpuprofile cpu.out ./internal/provider
//
// BenchmarkTaskTerraformValue is the conversion alone (taskItems.values): 10,000 client.Task into
// the Terraform value that goes into state.
// BenchmarkReadDataSource is the whole read as the CLI asks for it over the plugin
// protocol (ReadDataSource: listing from the in-process fake, conversion, state
// encoded as msgpack), minus gRPC; its B/op include the fake's work.

import (
	"context"
	"fmt"
	"math/big"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

const benchTasks = 10_000

// benchClientTasks are n realistic tasks as the client returns them.
func benchClientTasks(n int) []client.Task {
	ft := fakeapi.GenerateTasks(113, n, int64(n))
	out := make([]client.Task, len(ft))
	for i, t := range ft {
		out[i] = client.Task{ID: t.ID, ExecutionID: t.ExecutionID, Repository: t.Repository, JobID: t.JobID, Status: t.Status,
			StatusCode: int64(t.StatusCode), StatusRevision: t.StatusRevision, StartTime: t.StartTime, EndTime: t.EndTime,
			Total: t.Total, Retained: t.Retained}
	}
	return out
}

func BenchmarkTaskTerraformValue(b *testing.B) {
	tasks := benchClientTasks(benchTasks)
	for b.Loop() {
		v := tftypes.NewValue(taskItems.listType(), taskItems.values(tasks, &readNotes{}))
		if !v.IsKnown() || v.IsNull() {
			b.Fatal("tasks value is null or unknown")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchTasks, "ns/task")
}

// objectValue is a value of the object type t with the given attributes set (as
// strings or int64s) and every other attribute null.
func objectValue(b *testing.B, t tftypes.Type, set map[string]any) tftypes.Value {
	b.Helper()
	obj, ok := t.(tftypes.Object)
	if !ok {
		b.Fatalf("schema type %s is not an object", t)
	}
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, set[name])
	}
	return tftypes.NewValue(obj, vals)
}

// dynamicValue is objectValue as the plugin protocol carries it.
func dynamicValue(b *testing.B, t tftypes.Type, set map[string]any) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(t, objectValue(b, t, set))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// numberOf is an integer as a tftypes.Number value.
func numberOf(i int64) *big.Float { return new(big.Float).SetInt64(i) }

// heapPeak samples the live heap (objects allocated and not yet swept) every
// millisecond until stopped, and returns the highest sample.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

func BenchmarkReadDataSource(b *testing.B) {
	for _, n := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			fake, url := fakeapi.Start(b, fakeConfig())
			fake.SetTasks(testExecution, fakeapi.GenerateTasks(testExecution.ExecutionID, n, 1))
			ctx := context.Background()
			server, err := providerserver.NewProtocol6WithError(New("bench")())()
			if err != nil {
				b.Fatal(err)
			}
			schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil || len(schemas.Diagnostics) > 0 {
				b.Fatalf("schema: %v %v", err, schemas.Diagnostics)
			}
			conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
				TerraformVersion: "1.12.0",
				Config: dynamicValue(b, schemas.Provider.ValueType(), map[string]any{
					"region": fakeapi.DefaultRegion, "endpoint": url, "iam_endpoint": url,
					"project_id": fakeapi.DefaultProjectID, "auth_token": testToken,
				}),
			})
			if err != nil || len(conf.Diagnostics) > 0 {
				b.Fatalf("configure: %v %v", err, conf.Diagnostics)
			}
			const typeName = "swr_retention_execution_tasks"
			config := dynamicValue(b, schemas.DataSourceSchemas[typeName].ValueType(), map[string]any{
				"instance_id": testExecution.InstanceID, "namespace_name": testExecution.Namespace,
				"policy_id": numberOf(testExecution.PolicyID), "execution_id": numberOf(testExecution.ExecutionID),
			})

			runtime.GC()
			stop := heapPeak()
			var stateBytes int
			for b.Loop() {
				resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: config})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("read: %v %v", err, resp.Diagnostics)
				}
				stateBytes = len(resp.State.MsgPack)
			}
			b.ReportMetric(float64(stop())/1e6, "peak-heap-MB")
			b.ReportMetric(float64(stateBytes)/1e6, "state-MB")
		})
	}
}
