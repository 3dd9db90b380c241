package fakeapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Default configuration values.
const (
	DefaultRegion    = "cn-north-4"
	DefaultProjectID = "0123456789abcdef0123456789abcdef"
)

// User is an IAM user accepted by POST /v3/auth/tokens.
type User struct {
	Name, Password, Domain string
}

// Config says which credentials the fake accepts and which project it serves.
type Config struct {
	Region        string            // default "cn-north-4"; GET /v3/projects?name=<Region> finds ProjectID
	ProjectID     string            // default "0123456789abcdef0123456789abcdef"
	Tokens        []string          // static tokens accepted in X-Auth-Token
	AccessKeys    map[string]string // AK -> SK accepted for SDK-HMAC-SHA256 signatures
	Users         []User            // accepted by POST /v3/auth/tokens
	ExtraProjects []string          // extra project names (ids derived from the name and position)

	// RequirePassword accepts on the API only tokens issued by POST /v3/auth/tokens:
	// static Tokens and AK/SK signatures are answered 401.
	RequirePassword bool
	// RotateTokensAfter, when > 0, rotates the issued tokens once: after that many
	// requests authenticated with an issued token, every token issued so far expires
	// (401 APIG.0307); tokens issued later stay valid.
	RotateTokensAfter int
	// JunkRequestIDs puts a terminal escape (the C1 CSI U+009B), bidi controls
	// (U+202E, U+2066) and a line separator into every X-Request-Id, as a hostile
	// gateway could. (ESC, BEL and DEL are left out: Go's HTTP client already
	// refuses a header line holding them.)
	JunkRequestIDs bool
}

// JunkRequestIDPrefix starts every X-Request-Id when Config.JunkRequestIDs is set.
const JunkRequestIDPrefix = "\u009b31m\u202e\u2066\u2028"

// ExecutionKey names one execution of one policy.
type ExecutionKey struct {
	InstanceID, Namespace string
	PolicyID, ExecutionID int64
}

type project struct {
	ID, Name, DomainID string
}

type nsState struct {
	id   int64
	name string
	meta Namespace // what the namespace listing shows; id and name are the two above
}

type execState struct {
	meta        Execution
	placeholder bool   // metadata made up by SetTasks/SetSubTasks, not given by SetExecutions
	tasks       []Task // replaced, never mutated, once stored
	taskIDs     map[int64]struct{}
	subtasks    map[int64][]SubTask
}

type policyState struct {
	meta      Policy
	namespace string
	execs     []*execState // newest first
}

type instanceState struct {
	meta       Instance // what the instance listing shows (SetInstance; a placeholder otherwise)
	namespaces map[string]*nsState
	nextNSID   int64
	policies   []*policyState // listing order
}

// Server is the fake. It implements http.Handler and is safe for concurrent use.
type Server struct {
	region      string
	projectID   string
	domainID    string
	projects    []project
	tokens      map[string]struct{}
	accessKeys  map[string]string
	users       []User
	now         func() time.Time
	requestBase string
	requestSeq  atomic.Uint64

	requirePassword   bool
	rotateTokensAfter int
	junkRequestIDs    bool

	mu        sync.RWMutex
	instances map[string]*instanceState
	motion    *motionState // motion.go; nil: nothing moves
	tlsCert   []byte

	faultMu sync.Mutex
	faults  []*faultState
	portMu  sync.Mutex
	port    *port // refuse.go; nil: not the fake's own listener
	latency atomic.Int64
	wire    atomic.Pointer[wireOptions] // times.go; nil is the default

	inFlight     atomic.Int64 // requests being served now
	peakInFlight atomic.Int64 // most served at once since the last ResetRequests
	quirksMu     sync.Mutex
	quirks       ListingQuirks
	answersMu    sync.Mutex
	answers      Answers // answers.go

	recMu    sync.Mutex
	records  []RecordedRequest
	recGen   uint64
	recCount int
	recFirst time.Time
	recLast  time.Time

	tokMu       sync.Mutex
	issued      map[string]*issuedToken
	issuedUses  int  // requests authenticated with an issued token, for RotateTokensAfter
	rotatedOnce bool // RotateTokensAfter has rotated the tokens

	done     chan struct{}
	doneOnce sync.Once
}

// New returns a fake serving cfg. Config is copied; later changes to it are not seen.
func New(cfg Config) *Server {
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.ProjectID == "" {
		cfg.ProjectID = DefaultProjectID
	}
	s := &Server{
		region:     cfg.Region,
		projectID:  cfg.ProjectID,
		domainID:   derivedID("domain", cfg.ProjectID),
		tokens:     make(map[string]struct{}, len(cfg.Tokens)),
		accessKeys: make(map[string]string, len(cfg.AccessKeys)),
		users:      append([]User(nil), cfg.Users...),
		now:        time.Now,
		instances:  make(map[string]*instanceState),
		issued:     make(map[string]*issuedToken),
		done:       make(chan struct{}),

		requirePassword:   cfg.RequirePassword,
		rotateTokensAfter: cfg.RotateTokensAfter,
		junkRequestIDs:    cfg.JunkRequestIDs,
	}
	for _, t := range cfg.Tokens {
		if t != "" {
			s.tokens[t] = struct{}{}
		}
	}
	for ak, sk := range cfg.AccessKeys {
		if ak != "" && sk != "" {
			s.accessKeys[ak] = sk
		}
	}
	s.projects = append(s.projects, project{ID: cfg.ProjectID, Name: cfg.Region, DomainID: s.domainID})
	for i, name := range cfg.ExtraProjects {
		s.projects = append(s.projects, project{ID: derivedID(fmt.Sprintf("extra-%d", i), name), Name: name, DomainID: s.domainID})
	}
	s.requestBase = derivedID("request", fmt.Sprint(time.Now().UnixNano()))[:16]
	return s
}

// derivedID is a deterministic 32-hex-character id.
func derivedID(kind, name string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + name))
	return hex.EncodeToString(sum[:16])
}

// ReleaseWaiting makes every request waiting on a Hang fault, a Delay or the
// latency return at once (with a 503), now and later. Start and StartTLS call it on
// cleanup so that closing the test server never blocks; it stops no listener.
func (s *Server) ReleaseWaiting() {
	s.doneOnce.Do(func() { close(s.done) })
}

// ---- data setters (all take the write lock) ----

func (s *Server) instanceLocked(id string) *instanceState {
	inst := s.instances[id]
	if inst == nil {
		inst = &instanceState{meta: placeholderInstance(id, s.projectID), namespaces: make(map[string]*nsState), nextNSID: 1}
		s.instances[id] = inst
	}
	return inst
}

// namespaceLocked finds or creates a namespace; idHint (when > 0 and unused) is its id.
func namespaceLocked(inst *instanceState, name string, idHint int64) *nsState {
	if ns := inst.namespaces[name]; ns != nil {
		return ns
	}
	id := idHint
	if id <= 0 || namespaceIDUsed(inst, id) {
		for namespaceIDUsed(inst, inst.nextNSID) {
			inst.nextNSID++
		}
		id = inst.nextNSID
	}
	if id >= inst.nextNSID {
		inst.nextNSID = id + 1
	}
	ns := &nsState{id: id, name: name}
	inst.namespaces[name] = ns
	return ns
}

func namespaceIDUsed(inst *instanceState, id int64) bool {
	for _, ns := range inst.namespaces {
		if ns.id == id {
			return true
		}
	}
	return false
}

func findPolicy(inst *instanceState, namespace string, policyID int64) *policyState {
	for _, p := range inst.policies {
		if p.meta.ID == policyID && p.namespace == namespace {
			return p
		}
	}
	return nil
}

func findExecution(p *policyState, executionID int64) *execState {
	for _, e := range p.execs {
		if e.meta.ID == executionID {
			return e
		}
	}
	return nil
}

// policyLocked finds or creates (with placeholder metadata) a policy of a namespace.
func (s *Server) policyLocked(instanceID, namespace string, policyID int64) *policyState {
	inst := s.instanceLocked(instanceID)
	ns := namespaceLocked(inst, namespace, 0)
	if p := findPolicy(inst, namespace, policyID); p != nil {
		return p
	}
	p := &policyState{meta: placeholderPolicy(policyID, ns), namespace: namespace}
	inst.policies = append(inst.policies, p)
	return p
}

// executionLocked finds or creates an execution, keeping the list newest (highest id) first.
func (s *Server) executionLocked(key ExecutionKey) *execState {
	p := s.policyLocked(key.InstanceID, key.Namespace, key.PolicyID)
	if e := findExecution(p, key.ExecutionID); e != nil {
		return e
	}
	e := &execState{meta: Execution{ID: key.ExecutionID, PolicyID: key.PolicyID, Status: "Succeed", Trigger: "manual"}, placeholder: true}
	i := sort.Search(len(p.execs), func(i int) bool { return p.execs[i].meta.ID < key.ExecutionID })
	execs := make([]*execState, 0, len(p.execs)+1)
	execs = append(execs, p.execs[:i]...)
	execs = append(execs, e)
	execs = append(execs, p.execs[i:]...)
	p.execs = execs
	return e
}

// maxExecutionID is the highest id among the executions of policies (0: none).
func maxExecutionID(policies []*policyState) int64 {
	var maxID int64
	for _, p := range policies {
		for _, ex := range p.execs {
			maxID = max(maxID, ex.meta.ID)
		}
	}
	return maxID
}

// newExecutionLocked starts a new execution of p: InProgress, with no tasks,
// newest first (at the front of p's executions). The caller picks the id; it
// needs s.mu held.
func newExecutionLocked(p *policyState, id int64, trigger string, dryRun bool, start string) *execState {
	ex := &execState{meta: Execution{ID: id, PolicyID: p.meta.ID, DryRun: dryRun, Status: "InProgress", Trigger: trigger, StartTime: start}}
	p.execs = append([]*execState{ex}, p.execs...)
	return ex
}

func placeholderPolicy(id int64, ns *nsState) Policy {
	return Policy{
		ID:            id,
		Name:          fmt.Sprintf("policy-%d", id),
		Enabled:       true,
		NamespaceID:   ns.id,
		NamespaceName: ns.name,
		Algorithm:     "or",
		Rules: []PolicyRule{{
			Action:         "retain",
			Template:       "latestPushedK",
			Params:         map[string]any{"latestPushedK": 10},
			TagSelectors:   []Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}},
			ScopeSelectors: map[string][]Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "**"}}},
			RepoScopeMode:  "regular",
		}},
		Trigger: PolicyTrigger{Type: "manual"},
	}
}

// SetTasks replaces the tasks of an execution, creating the instance, namespace,
// policy and execution when unknown (an execution it creates gets a status and
// times derived from the tasks; an existing one keeps its metadata).
func (s *Server) SetTasks(key ExecutionKey, tasks []Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.executionLocked(key)
	setTasksLocked(e, append(make([]Task, 0, len(tasks)), tasks...))
	if e.placeholder {
		e.meta.Status, e.meta.StartTime, e.meta.EndTime = summarize(tasks)
	}
}

// Tasks is a copy of the execution's tasks in the order the tasks listing lists
// them (a motion's, such as Harbor's order, once SetMotion stored them so).
func (s *Server) Tasks(key ExecutionKey) []Task {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.instances[key.InstanceID]
	if e == nil {
		return nil
	}
	for _, p := range e.policies {
		if p.namespace != key.Namespace || p.meta.ID != key.PolicyID {
			continue
		}
		for _, ex := range p.execs {
			if ex.meta.ID == key.ExecutionID {
				return append([]Task(nil), ex.tasks...)
			}
		}
	}
	return nil
}

// setTasksLocked stores tasks (the caller's own slice, never mutated afterwards)
// as the execution's tasks and rebuilds their ids; it needs s.mu held.
func setTasksLocked(e *execState, tasks []Task) {
	e.tasks = tasks
	e.taskIDs = make(map[int64]struct{}, len(tasks))
	for _, t := range tasks {
		e.taskIDs[t.ID] = struct{}{}
	}
}

// summarize derives an execution's status and times from its tasks.
func summarize(tasks []Task) (status, start, end string) {
	status = "Succeed"
	running := false
	for _, t := range tasks {
		switch t.Status {
		case "InProgress", "Pending", "Initialized":
			running = true
		case "Failed":
			if status != "InProgress" {
				status = "Failed"
			}
		case "Stopped":
			if status == "Succeed" {
				status = "Stopped"
			}
		}
		if t.StartTime != "" && (start == "" || t.StartTime < start) {
			start = t.StartTime
		}
		if t.EndTime > end {
			end = t.EndTime
		}
	}
	if running {
		return "InProgress", start, ""
	}
	return status, start, end
}

// SetExecutions replaces the executions of a policy (stored and listed in the order
// given: newest first). Executions whose id was already known keep their tasks and
// sub-tasks; the others are dropped with theirs. A zero PolicyID is filled in.
func (s *Server) SetExecutions(instanceID, namespace string, policyID int64, execs []Execution) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.policyLocked(instanceID, namespace, policyID)
	out := make([]*execState, 0, len(execs))
	for _, meta := range execs {
		if meta.PolicyID == 0 {
			meta.PolicyID = policyID
		}
		e := findExecution(p, meta.ID)
		if e == nil {
			e = &execState{}
		} else {
			copied := *e
			e = &copied
		}
		e.meta = meta
		e.placeholder = false
		out = append(out, e)
	}
	p.execs = out
}

// SetSubTasks replaces the sub-tasks of one task, creating what the path needs.
func (s *Server) SetSubTasks(key ExecutionKey, taskID int64, subs []SubTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.executionLocked(key)
	setSubTasksLocked(e, taskID, append(make([]SubTask, 0, len(subs)), subs...))
}

// setSubTasksLocked stores subs (the caller's own slice, never mutated afterwards)
// as the sub-tasks of one task in a new map (stored maps are replaced, never
// mutated); it needs s.mu held.
func setSubTasksLocked(e *execState, taskID int64, subs []SubTask) {
	m := make(map[int64][]SubTask, len(e.subtasks)+1)
	for k, v := range e.subtasks {
		m[k] = v
	}
	m[taskID] = subs
	e.subtasks = m
}

// SetPolicies replaces the policy list of an instance. A policy with a
// NamespaceName is reachable under that namespace (created with NamespaceID when
// that id is free; NamespaceID is set to the namespace's actual id); policies whose
// (namespace, id) was known keep their executions, the others are dropped with theirs.
func (s *Server) SetPolicies(instanceID string, policies []Policy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instanceLocked(instanceID)
	out := make([]*policyState, 0, len(policies))
	for _, meta := range policies {
		name := meta.NamespaceName
		if name == "" && meta.NamespaceID != 0 {
			for _, ns := range inst.namespaces {
				if ns.id == meta.NamespaceID {
					name = ns.name
				}
			}
		}
		if name != "" {
			ns := namespaceLocked(inst, name, meta.NamespaceID)
			meta.NamespaceName = name
			meta.NamespaceID = ns.id
		}
		p := &policyState{namespace: name}
		if old := findPolicy(inst, name, meta.ID); old != nil && name != "" {
			p.execs = old.execs
		}
		p.meta = clonePolicy(meta)
		out = append(out, p)
	}
	inst.policies = out
}

func clonePolicy(p Policy) Policy {
	rules := make([]PolicyRule, len(p.Rules))
	for i, r := range p.Rules {
		if r.Params != nil {
			params := make(map[string]any, len(r.Params))
			for k, v := range r.Params {
				params[k] = v
			}
			r.Params = params
		}
		r.TagSelectors = append([]Selector(nil), r.TagSelectors...)
		if r.ScopeSelectors != nil {
			scopes := make(map[string][]Selector, len(r.ScopeSelectors))
			for k, v := range r.ScopeSelectors {
				scopes[k] = append([]Selector(nil), v...)
			}
			r.ScopeSelectors = scopes
		}
		rules[i] = r
	}
	p.Rules = rules
	return p
}

// ---- HTTP entry point ----

// ServeHTTP answers one request. It never panics on bad input; an internal bug is
// answered with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrival := s.now()
	h := w.Header()
	h.Set("X-Request-Id", s.nextRequestID())
	h.Set("Content-Type", "application/json")
	sw := &statusWriter{ResponseWriter: w}
	idx, gen := s.record(r, arrival)
	defer s.enter()()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				s.finish(idx, gen, sw.status)
				panic(v)
			}
			if sw.status == 0 {
				writeError(sw, apiError{http.StatusInternalServerError, "SWR.FAKE.500", "internal error in the fake"})
			}
		}
		s.finish(idx, gen, sw.status)
	}()

	if d := time.Duration(s.latency.Load()); d > 0 {
		if !s.wait(r, d) {
			s.released(sw, r)
			return
		}
	}
	if s.applyFault(sw, w, r) {
		return
	}
	s.serveAnswered(sw, r, s.checkAndRoute) // answers.go
}

// checkAndRoute checks the SDK's headers (when required), then routes.
func (s *Server) checkAndRoute(w http.ResponseWriter, r *http.Request) {
	if e := s.checkSDKHeaders(r); e != nil {
		if strings.HasPrefix(r.URL.Path, "/v3/") {
			writeIAMError(w, e.status, e.msg)
		} else {
			writeError(w, *e)
		}
		return
	}
	s.route(w, r)
}

func (s *Server) nextRequestID() string {
	id := fmt.Sprintf("%s%016x", s.requestBase, s.requestSeq.Add(1))
	if s.junkRequestIDs {
		return JunkRequestIDPrefix + id
	}
	return id
}

// wait sleeps d unless the client goes away or ReleaseWaiting is called; it
// reports whether the whole delay elapsed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// released answers a request whose wait was cut short: nothing when the client is
// gone, a 503 when ReleaseWaiting ended it.
func (s *Server) released(w http.ResponseWriter, r *http.Request) {
	if r.Context().Err() != nil {
		return
	}
	writeError(w, apiError{http.StatusServiceUnavailable, "SWR.FAKE.503", "the fake server is shutting down"})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
