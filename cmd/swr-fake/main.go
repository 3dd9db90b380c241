// Command swr-fake serves the SWR Enterprise retention API fake (package
// internal/fakeapi) on a loopback address, for demos and benchmarks.
//
//	go run ./cmd/swr-fake -listen 127.0.0.1:0 -seed sample [-tasks N] [-latency 10ms] [-url-file path]
//	    [-token T] [-ak AK -sk SK] [-user u -password p -domain d] [-region r] [-project-id id]
//	    [-redirect-to URL] [-require-password] [-rotate-token-after N] [-hang-first] [-junk-request-ids]
//	    [-total filtered|unfiltered|absent|null] [-ignore-filters] [-ignore-offset] [-filter-per-page]
//	    [-time-layout rfc3339|fractional|offset|no-zone|no-zone-t|garbage]
//	    [-unset-end-time empty|null|missing|zero] [-require-sdk-headers]
//	    [-list-answer normal|error-shape|empty-object|null-items|duplicate-keys] [-bom]
//	    [-proxy-status 401|403] [-iam-ignores-name] [-failed-status S] [-refuse-after N -refuse-for D]
//	    [-generate instances=N,namespaces=N,policies=N,runs=N,tasks=N,failure=F,seed=N]
//	    [-case KIND=INSTANCE/POLICY_ID ...] [-as-of now|stored|RFC3339]
//
// It prints the base URL and the (fake, demo-only) credentials it accepts, and
// writes the URL to -url-file when given. Besides the API it serves
//
//	GET  /_fake/requests  {"count":N,"first":"RFC3339Nano","last":"RFC3339Nano","peak_in_flight":M}
//	POST /_fake/reset     forget the recorded requests (and the peak in flight)
//
// and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
	"github.com/swr-iac/terraform-provider-swr/internal/loopback"
)

// maxTasks bounds -tasks (about 200 bytes of memory per task).
const maxTasks = 5_000_000

type options struct {
	listen, seed, urlFile  string
	tasks                  int
	latency                time.Duration
	token, ak, sk          string
	user, password, domain string
	region, projectID      string

	// Misbehaviours, for trying the provider against a hostile or flaky server.
	redirectTo       string
	requirePassword  bool
	rotateTokenAfter int
	hangFirst        bool
	junkRequestIDs   bool
	quirks           fakeapi.ListingQuirks
	// How times and unset end times are written, and whether the SDK's headers
	// are required (fakeapi/times.go).
	timeLayout, unsetEndTime string
	requireSDKHeaders        bool
	// A listing that moves while it is read (motion.go).
	motion fakeapi.Motion
	// Answers a gateway, a proxy or another API version may give (fakeapi/answers.go).
	answers fakeapi.Answers
	// A port that refuses connections for a while (fakeapi/refuse.go): after the
	// refuseAfter-th API request, for refuseFor.
	refuseAfter int
	refuseFor   time.Duration
	// A generated account, policies put in a case, the instant shown (data.go).
	data dataFlags
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "swr-fake:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (o options, err error) {
	fs := flag.NewFlagSet("swr-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.seed, "seed", "sample", `data to load: "sample" or "none"`)
	fs.IntVar(&o.tasks, "tasks", 0, "also serve execution ins-bench/bench/1/1 holding GenerateTasks(1, N, 1)")
	fs.DurationVar(&o.latency, "latency", 0, "latency added to every request")
	fs.StringVar(&o.urlFile, "url-file", "", "write the base URL to this file")
	fs.StringVar(&o.token, "token", "swr-fake-token", "static X-Auth-Token accepted")
	fs.StringVar(&o.ak, "ak", "SWRFAKEACCESSKEY0001", "access key accepted for SDK-HMAC-SHA256 signatures")
	fs.StringVar(&o.sk, "sk", "swr-fake-secret-key", "secret key of -ak")
	fs.StringVar(&o.user, "user", "demo", "IAM user name accepted by POST /v3/auth/tokens")
	fs.StringVar(&o.password, "password", "demo-password", "password of -user")
	fs.StringVar(&o.domain, "domain", "demo-domain", "IAM domain (account) name of -user")
	fs.StringVar(&o.region, "region", fakeapi.DefaultRegion, "region, the project name GET /v3/projects finds")
	fs.StringVar(&o.projectID, "project-id", fakeapi.DefaultProjectID, "project id served")
	fs.StringVar(&o.redirectTo, "redirect-to", "", "answer every request with a 307 to this loopback base URL (a second listener)")
	fs.BoolVar(&o.requirePassword, "require-password", false, "accept on the API only tokens issued by POST /v3/auth/tokens")
	fs.IntVar(&o.rotateTokenAfter, "rotate-token-after", 0, "expire the issued tokens once, after N requests authenticated with them")
	fs.BoolVar(&o.hangFirst, "hang-first", false, "never answer the first API request (one under /v2/)")
	fs.BoolVar(&o.junkRequestIDs, "junk-request-ids", false, "put terminal escapes and bidi overrides into X-Request-Id")
	total := fs.String("total", fakeapi.TotalFiltered.String(),
		`what the list calls report as total: "filtered" (what the filter matches), "unfiltered" (every item), "absent" or "null"`)
	fs.BoolVar(&o.quirks.IgnoreFilters, "ignore-filters", false, "list calls ignore status, name and namespace_id")
	fs.BoolVar(&o.quirks.IgnoreOffset, "ignore-offset", false, "list calls ignore offset: every page is the first")
	fs.BoolVar(&o.quirks.FilterPerPage, "filter-per-page", false, "list calls page the unfiltered items, then filter each page, as a gateway may (total: every item)")
	fs.StringVar(&o.timeLayout, "time-layout", string(fakeapi.TimeRFC3339), "layout of every listed time: "+fakeapi.JoinNames(fakeapi.TimeLayouts))
	fs.StringVar(&o.unsetEndTime, "unset-end-time", string(fakeapi.EndTimeEmpty), "how an end_time not set yet is written: "+fakeapi.JoinNames(fakeapi.UnsetEndTimes))
	fs.BoolVar(&o.requireSDKHeaders, "require-sdk-headers", false, "answer 400 without Content-Type: application/json, or a token request without nocatalog=true")
	var moveFlags motionFlags
	addMotionFlags(fs, &moveFlags)
	listAnswer := fs.String("list-answer", string(fakeapi.ListNormal), "what every listing answers at HTTP 200: "+fakeapi.JoinNames(fakeapi.ListAnswers))
	fs.BoolVar(&o.answers.BOM, "bom", false, "put a UTF-8 byte order mark before every JSON body")
	fs.IntVar(&o.answers.ProxyStatus, "proxy-status", 0, "answer every request with this status (401 or 403) and an HTML page, as a proxy or WAF would")
	fs.BoolVar(&o.answers.IAMIgnoresName, "iam-ignores-name", false, "GET /v3/projects lists every project, ignoring ?name=")
	fs.StringVar(&o.answers.FailedStatus, "failed-status", "", `list Failed tasks, sub-tasks and executions with this undocumented status instead (e.g. "Error", "failed")`)
	fs.IntVar(&o.refuseAfter, "refuse-after", 0, "answer N API requests (under /v2/), then refuse connections for -refuse-for and listen again on the same port")
	fs.DurationVar(&o.refuseFor, "refuse-for", 0, "how long the port refuses connections after -refuse-after")
	addDataFlags(fs, &o.data)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := o.data.check(); err != nil {
		return o, err
	}
	if o.motion, err = moveFlags.motion(); err != nil {
		return o, err
	}
	o.answers.List = fakeapi.ListAnswer(*listAnswer)
	if err := o.answers.Check(); err != nil {
		return o, err
	}
	mode, err := fakeapi.ParseTotalMode(*total)
	if err != nil {
		return o, fmt.Errorf("-total: %w", err)
	}
	o.quirks.Total = mode
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case o.seed != "sample" && o.seed != "none":
		return o, fmt.Errorf(`-seed must be "sample" or "none", not %q`, o.seed)
	case o.tasks < 0 || o.tasks > maxTasks:
		return o, fmt.Errorf("-tasks must be between 0 and %d", maxTasks)
	case o.latency < 0:
		return o, errors.New("-latency must not be negative")
	case (o.ak == "") != (o.sk == ""):
		return o, errors.New("-ak and -sk go together")
	case o.rotateTokenAfter < 0:
		return o, errors.New("-rotate-token-after must not be negative")
	case o.refuseAfter < 0 || o.refuseFor < 0:
		return o, errors.New("-refuse-after and -refuse-for must not be negative")
	case (o.refuseAfter > 0) != (o.refuseFor > 0):
		return o, errors.New("-refuse-after and -refuse-for go together")
	}
	if o.redirectTo != "" {
		if err := fakeapi.CheckLoopbackURL(o.redirectTo); err != nil {
			return o, fmt.Errorf("-redirect-to: %w", err)
		}
	}
	if err := checkLoopback(o.listen); err != nil {
		return o, err
	}
	switch {
	case !slices.Contains(fakeapi.TimeLayouts, fakeapi.TimeLayout(o.timeLayout)):
		return o, fmt.Errorf("-time-layout must be one of %s, not %q", fakeapi.JoinNames(fakeapi.TimeLayouts), o.timeLayout)
	case !slices.Contains(fakeapi.UnsetEndTimes, fakeapi.UnsetEndTime(o.unsetEndTime)):
		return o, fmt.Errorf("-unset-end-time must be one of %s, not %q", fakeapi.JoinNames(fakeapi.UnsetEndTimes), o.unsetEndTime)
	}
	return o, nil
}

// applyWireOptions sets how fake writes times and which headers it requires.
func applyWireOptions(fake *fakeapi.Server, o options) error {
	if err := fake.SetTimeLayout(fakeapi.TimeLayout(o.timeLayout)); err != nil {
		return fmt.Errorf("-time-layout: %w", err)
	}
	if err := fake.SetUnsetEndTime(fakeapi.UnsetEndTime(o.unsetEndTime)); err != nil {
		return fmt.Errorf("-unset-end-time: %w", err)
	}
	fake.RequireSDKHeaders(o.requireSDKHeaders)
	return fake.SetAnswers(o.answers)
}

// checkLoopback refuses any address that is not a loopback host.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if loopback.Host(host) {
		return nil
	}
	return fmt.Errorf("-listen %q: refusing a non-loopback address (use 127.0.0.1, ::1 or localhost)", addr)
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage is printed; asking for help is no failure
	}
	if err != nil {
		return err
	}
	fake, err := newFake(o)
	if err != nil {
		return err
	}

	ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", o.listen)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return fmt.Errorf("listening on %s, which is not loopback", ln.Addr())
	}
	base := "http://" + ln.Addr().String()

	srv, ln := newHTTPServer(fake, ln)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	if o.urlFile != "" {
		if err := writeFileAtomic(o.urlFile, []byte(base+"\n")); err != nil {
			_ = srv.Close()
			return err
		}
	}
	printBanner(stdout, base, o)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "swr-fake: shutting down")
	fake.ReleaseWaiting()
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		_ = srv.Close()
	}
	return nil
}

// newFake is the fake the options describe, data, faults and answers set.
func newFake(o options) (*fakeapi.Server, error) {
	cfg := fakeapi.Config{Region: o.region, ProjectID: o.projectID,
		RequirePassword: o.requirePassword, RotateTokensAfter: o.rotateTokenAfter, JunkRequestIDs: o.junkRequestIDs}
	if o.token != "" {
		cfg.Tokens = []string{o.token}
	}
	if o.ak != "" {
		cfg.AccessKeys = map[string]string{o.ak: o.sk}
	}
	if o.user != "" {
		cfg.Users = []fakeapi.User{{Name: o.user, Password: o.password, Domain: o.domain}}
	}
	fake := fakeapi.New(cfg)
	if o.seed == "sample" {
		fake.SeedSample()
	}
	if o.tasks > 0 {
		fake.SetTasks(fakeapi.ExecutionKey{InstanceID: "ins-bench", Namespace: "bench", PolicyID: 1, ExecutionID: 1},
			fakeapi.GenerateTasks(1, o.tasks, 1))
	}
	if err := o.data.apply(fake, time.Now()); err != nil {
		return nil, err
	}
	fake.SetLatency(o.latency)
	if o.hangFirst {
		fake.AddFault(fakeapi.Fault{Path: "/v2/", Hang: true, Times: 1})
	}
	if o.redirectTo != "" {
		fake.AddFault(fakeapi.Fault{RedirectTo: o.redirectTo})
	}
	if o.refuseAfter > 0 {
		fake.AddFault(fakeapi.Fault{Path: "/v2/", Skip: o.refuseAfter - 1, RefuseFor: o.refuseFor, Times: 1})
	}
	fake.SetListingQuirks(o.quirks)
	fake.SetMotion(o.motion)
	if err := applyWireOptions(fake, o); err != nil {
		return nil, err
	}
	return fake, nil
}

// newHTTPServer serves fake on ln, made the fake's own port (which
// -refuse-after closes and opens).
func newHTTPServer(fake *fakeapi.Server, ln net.Listener) (*http.Server, net.Listener) {
	return &http.Server{Handler: handler(fake), ReadHeaderTimeout: 10 * time.Second, ConnState: fake.ConnState}, fake.Listener(ln)
}

// handler serves the /_fake control endpoints and passes the rest to the fake.
func handler(fake *fakeapi.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_fake/requests":
			if r.Method != http.MethodGet {
				controlError(w, http.StatusMethodNotAllowed, "use GET")
				return
			}
			count, first, last := fake.RequestStats()
			body := map[string]any{"count": count, "first": "", "last": "", "peak_in_flight": fake.PeakInFlight()}
			if count > 0 {
				body["first"] = first.UTC().Format(time.RFC3339Nano)
				body["last"] = last.UTC().Format(time.RFC3339Nano)
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(body)
		case "/_fake/reset":
			if r.Method != http.MethodPost {
				controlError(w, http.StatusMethodNotAllowed, "use POST")
				return
			}
			fake.ResetRequests()
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "{\"count\":0}\n")
		default:
			fake.ServeHTTP(w, r)
		}
	})
}

func controlError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func printBanner(w io.Writer, base string, o options) {
	fmt.Fprintf(w, "swr-fake listening on %s\n", base)
	fmt.Fprintf(w, "  endpoint (SWR and IAM): %s\n", base)
	fmt.Fprintf(w, "  region %s, project id %s\n", o.region, o.projectID)
	fmt.Fprintln(w, "  fake demo credentials accepted:")
	if o.token != "" {
		fmt.Fprintf(w, "    X-Auth-Token: %s\n", o.token)
	}
	if o.ak != "" {
		fmt.Fprintf(w, "    AK/SK: %s / %s\n", o.ak, o.sk)
	}
	if o.user != "" {
		fmt.Fprintf(w, "    IAM password: user %s, password %s, domain %s\n", o.user, o.password, o.domain)
	}
	if o.seed == "sample" {
		fmt.Fprintf(w, "  sample data: instance %s, namespace %s, policy %d, executions %d (250 tasks), %d (empty), %d (dry run), %d\n",
			fakeapi.SampleInstance, fakeapi.SampleNamespace, fakeapi.SamplePolicyID, fakeapi.SampleExecutionID,
			fakeapi.SampleEmptyExecution, fakeapi.SampleDryRunExecution, fakeapi.SampleOldExecution)
		fmt.Fprintf(w, "  sample account: instances %s and %s (Running, %d namespaces), %s (Creating)\n",
			fakeapi.SampleInstance, fakeapi.SampleSharedInstance, fakeapi.SampleSharedNamespaces, fakeapi.SampleStagingInstance)
	}
	printData(w, o.data)
	if o.tasks > 0 {
		fmt.Fprintf(w, "  bench data: instance ins-bench, namespace bench, policy 1, execution 1 (%d tasks)\n", o.tasks)
	}
	if o.latency > 0 {
		fmt.Fprintf(w, "  latency: %s per request\n", o.latency)
	}
	var misbehaviours []string
	if o.redirectTo != "" {
		misbehaviours = append(misbehaviours, "every request redirected to "+o.redirectTo)
	}
	if o.requirePassword {
		misbehaviours = append(misbehaviours, "only IAM-issued tokens accepted")
	}
	if o.rotateTokenAfter > 0 {
		misbehaviours = append(misbehaviours, fmt.Sprintf("issued tokens expire once after %d requests", o.rotateTokenAfter))
	}
	if o.hangFirst {
		misbehaviours = append(misbehaviours, "the first API request hangs")
	}
	if o.junkRequestIDs {
		misbehaviours = append(misbehaviours, "control characters in X-Request-Id")
	}
	if o.refuseAfter > 0 {
		misbehaviours = append(misbehaviours, fmt.Sprintf("after %d API requests the port refuses connections for %s", o.refuseAfter, o.refuseFor))
	}
	for _, m := range misbehaviours {
		fmt.Fprintf(w, "  misbehaviour: %s\n", m)
	}
	if o.quirks != (fakeapi.ListingQuirks{}) {
		fmt.Fprintf(w, "  listing: total %s, ignore filters %v, ignore offset %v, filter per page %v\n",
			o.quirks.Total, o.quirks.IgnoreFilters, o.quirks.IgnoreOffset, o.quirks.FilterPerPage)
	}
	if o.timeLayout != string(fakeapi.TimeRFC3339) || o.unsetEndTime != string(fakeapi.EndTimeEmpty) {
		fmt.Fprintf(w, "  times: layout %s, unset end_time %s\n", o.timeLayout, o.unsetEndTime)
	}
	printMotion(w, o.motion)
	if o.requireSDKHeaders {
		fmt.Fprintln(w, "  requires Content-Type: application/json, and nocatalog=true on token requests")
	}
	if a := o.answers; a != (fakeapi.Answers{List: fakeapi.ListNormal}) {
		fmt.Fprintf(w, "  answers: listings %s, BOM %v, proxy status %d, IAM ignores ?name= %v\n", a.List, a.BOM, a.ProxyStatus, a.IAMIgnoresName)
		if a.FailedStatus != "" {
			fmt.Fprintf(w, "  answers: Failed listed as %q\n", a.FailedStatus)
		}
	}
	fmt.Fprintln(w, "  control: GET /_fake/requests, POST /_fake/reset")
}

// writeFileAtomic writes data so that a reader never sees a partial file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".swr-fake-url-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}
