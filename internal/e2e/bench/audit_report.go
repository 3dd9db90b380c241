package bench

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// AuditSummary sums up the runs of one (account size, way).
type AuditSummary struct {
	Size                   fakeapi.AccountSpec
	Way                    string
	Runs, OK               int
	Wall, WallMin, WallMax time.Duration
	Requests               []int // the distinct counts, ascending
	Error                  string
}

// SummarizeAudit groups the results by size and way, in the order they ran; the
// medians leave the failed runs out.
func SummarizeAudit(results []AuditResult) []AuditSummary {
	var out []AuditSummary
	index := map[string]int{}
	walls := map[string][]float64{}
	for _, r := range results {
		k := r.Size.String() + "|" + r.Way
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, AuditSummary{Size: r.Size, Way: r.Way})
		}
		s := &out[i]
		s.Runs++
		if !r.OK {
			if s.Error == "" {
				s.Error = r.Error
			}
			continue
		}
		s.OK++
		walls[k] = append(walls[k], float64(r.Wall))
		if !slices.Contains(s.Requests, r.Requests) {
			s.Requests = append(s.Requests, r.Requests)
		}
	}
	for k, i := range index {
		w := walls[k]
		if len(w) == 0 {
			continue
		}
		sort.Float64s(w)
		s := &out[i]
		s.Wall, s.WallMin, s.WallMax = time.Duration(median(w)), time.Duration(w[0]), time.Duration(w[len(w)-1])
		sort.Ints(s.Requests)
	}
	return out
}

// auditTargetSize is the account of the audit's goal: 5 instances x 200 namespaces.
func auditTargetSize(a fakeapi.AccountSpec) bool { return a.Instances == 5 && a.Namespaces == 200 }

// AuditReport writes the section of BENCHMARKS.md on the account audit (nothing
// when it did not run).
func AuditReport(w io.Writer, results []AuditResult) {
	if len(results) == 0 {
		return
	}
	sums := SummarizeAudit(results)
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("## Account audit\n\n")
	p("The audit of a whole generated account (`fakeapi.Generate`: enabled policies dealt to the\n")
	p("instances one per namespace, %d runs each, the newest failed for a share of %g), applied by %s from an\n",
		results[0].Size.Runs, results[0].Size.Failure, results[0].CLI)
	p("empty state, %s of latency per request, the provider's default concurrency, two ways: the\n", latencyLabel(results[0].Latency))
	p("HCL chain of the examples (a data source per instance, per enabled policy and\n")
	p("per audited run) and the `swr_retention_audit` data source. A run counts when the apply\n")
	p("succeeded and reported every enabled policy.\n\n")
	p("| Account | Way | Runs | Wall time, median (min–max) | Requests | vs the chain |\n")
	p("|---|---|---:|---:|---:|---:|\n")
	for _, s := range sums {
		runs := strconv.Itoa(s.OK)
		if s.OK != s.Runs {
			runs = fmt.Sprintf("%d of %d", s.OK, s.Runs)
		}
		if s.OK == 0 {
			p("| %s | %s | %s | failed: %s | | |\n", SizeLabel(s.Size), s.Way, runs, mdEscape(s.Error))
			continue
		}
		vs := ""
		if chain := findAudit(sums, s.Size, WayChain); s.Way != WayChain && chain != nil && chain.OK > 0 {
			vs = fmt.Sprintf("%.1fx faster, %s", chain.Wall.Seconds()/s.Wall.Seconds(), requestsDelta(s.Requests[len(s.Requests)-1]-chain.Requests[len(chain.Requests)-1]))
		}
		p("| %s | %s | %s | %.2f s (%.2f–%.2f) | %s | %s |\n", SizeLabel(s.Size), s.Way, runs, s.Wall.Seconds(), s.WallMin.Seconds(), s.WallMax.Seconds(), joinInts(s.Requests), vs)
	}
	measured, verdictText := auditTarget(sums)
	p("\n| Target | Measured here | |\n|---|---|---|\n| %s | %s | %s |\n\n", auditTargetName, measured, verdictText)
	p("Requests include the IAM project lookup; the token is given. Reproduce one size quickly with\n")
	p("`BENCH_AUDIT_SIZES=\"instances=3,namespaces=40,policies=60,runs=2,tasks=150,failure=0.1,seed=1\" BENCH_AUDIT_RUNS=1`.\n\n")
}

func findAudit(sums []AuditSummary, size fakeapi.AccountSpec, way string) *AuditSummary {
	for i := range sums {
		if sums[i].Size == size && sums[i].Way == way {
			return &sums[i]
		}
	}
	return nil
}

const auditTargetName = "Account audit at 5 x 200 namespaces: the data source at least 10x faster than the chain, in no more requests"

// auditTarget measures the goal: at 5 x 200 namespaces, the data source at least
// 10 times faster than the chain, in no more requests.
func auditTarget(sums []AuditSummary) (measured, verdictText string) {
	for _, s := range sums {
		chain := findAudit(sums, s.Size, WayChain)
		if s.Way != WayDataSource || !auditTargetSize(s.Size) || chain == nil || s.OK == 0 || chain.OK == 0 {
			continue
		}
		speedup := chain.Wall.Seconds() / s.Wall.Seconds()
		ds, ch := s.Requests[len(s.Requests)-1], chain.Requests[len(chain.Requests)-1]
		return fmt.Sprintf("%.1fx (%.2f s against %.2f s), %d requests against %d", speedup, s.Wall.Seconds(), chain.Wall.Seconds(), ds, ch),
			verdict(speedup >= 10 && ds <= ch)
	}
	return "not measured", "–"
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = thousands(n)
	}
	return strings.Join(s, "/")
}

// mdEscape keeps an error line inside its table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
}

func requestsDelta(d int) string {
	if d == 0 {
		return "the same requests"
	}
	return fmt.Sprintf("%+d requests", d)
}
