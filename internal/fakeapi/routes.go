package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type routeKind int

const (
	routeNone routeKind = iota
	routeIssueToken
	routeProjects
	routePolicies
	routeExecutions
	routeTasks
	routeSubTasks
	routeInstances
	routeNamespaces
)

// routeMatch is a matched route with its (unescaped) path parameters.
type routeMatch struct {
	kind                             routeKind
	projectID, instanceID, namespace string
	policyID, executionID, taskID    string
	allowed                          []string // methods
	hasStatus                        bool     // the list takes a status filter
}

// matchRoute splits the escaped path into segments and unescapes each one, so an
// escaped '/' inside a segment never creates a new segment.
func matchRoute(r *http.Request) (routeMatch, bool) {
	raw := r.URL.EscapedPath()
	if !strings.HasPrefix(raw, "/") {
		return routeMatch{}, false
	}
	parts := strings.Split(raw[1:], "/")
	seg := make([]string, len(parts))
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return routeMatch{}, false
		}
		seg[i] = u
	}
	// Literal segments are compared against the raw text too, so that "v%32" is not "v2".
	lit := func(i int, want string) bool { return parts[i] == want }

	switch {
	case len(seg) == 3 && lit(0, "v3") && lit(1, "auth") && lit(2, "tokens"):
		return routeMatch{kind: routeIssueToken, allowed: []string{http.MethodPost}}, true
	case len(seg) == 2 && lit(0, "v3") && lit(1, "projects"):
		return routeMatch{kind: routeProjects, allowed: []string{http.MethodGet}}, true
	}
	if len(seg) < 3 || !lit(0, "v2") || !lit(2, "instances") {
		return routeMatch{}, false
	}
	if len(seg) == 3 {
		return routeMatch{kind: routeInstances, projectID: seg[1], allowed: []string{http.MethodGet}}, true
	}
	m := routeMatch{projectID: seg[1], instanceID: seg[3], allowed: []string{http.MethodGet}}
	if len(seg) == 5 && lit(4, "namespaces") {
		m.kind = routeNamespaces
		return m, true
	}
	if len(seg) < 6 {
		return routeMatch{}, false
	}
	if len(seg) == 6 && lit(4, "retention") && lit(5, "policies") {
		m.kind = routePolicies
		return m, true
	}
	if len(seg) < 10 || !lit(4, "namespaces") || !lit(6, "retention") || !lit(7, "policies") || !lit(9, "executions") {
		return routeMatch{}, false
	}
	m.namespace, m.policyID = seg[5], seg[8]
	switch {
	case len(seg) == 10:
		// The SDK's executions list takes offset and limit only: no status.
		m.kind = routeExecutions
		m.allowed = []string{http.MethodGet, http.MethodPost}
		return m, true
	case len(seg) == 12 && lit(11, "tasks"):
		m.kind, m.executionID, m.hasStatus = routeTasks, seg[10], true
		return m, true
	case len(seg) == 14 && lit(11, "tasks") && lit(13, "subtasks"):
		m.kind, m.executionID, m.taskID, m.hasStatus = routeSubTasks, seg[10], seg[12], true
		return m, true
	}
	return routeMatch{}, false
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	m, ok := matchRoute(r)
	if !ok {
		writeError(w, apiError{http.StatusNotFound, "APIG.0101", "The API does not exist or has not been published in the environment"})
		return
	}
	allowed := false
	for _, meth := range m.allowed {
		if r.Method == meth {
			allowed = true
		}
	}
	if !allowed {
		w.Header().Set("Allow", strings.Join(m.allowed, ", "))
		writeError(w, apiError{http.StatusMethodNotAllowed, statusCode(http.StatusMethodNotAllowed), "method " + r.Method + " is not allowed on this path"})
		return
	}
	switch m.kind {
	case routeIssueToken:
		s.handleIssueToken(w, r)
		return
	case routeProjects:
		s.handleProjects(w, r)
		return
	}
	c, e := s.authenticate(r)
	if e != nil {
		writeError(w, *e)
		return
	}
	if e := s.checkProject(c, m.projectID); e != nil {
		writeError(w, *e)
		return
	}
	var resp []byte
	status := http.StatusOK
	switch {
	case m.kind == routeExecutions && r.Method == http.MethodPost:
		resp, e = s.startExecution(r, m)
		status = http.StatusCreated
	case m.kind == routeInstances || m.kind == routeNamespaces:
		resp, e = s.listAccount(r, m)
	default:
		resp, e = s.list(r, m)
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

// checkProject: the path's project must be the fake's and match the caller's scope.
func (s *Server) checkProject(c caller, projectID string) *apiError {
	forbidden := func(msg string) *apiError {
		return &apiError{http.StatusForbidden, statusCode(http.StatusForbidden), msg}
	}
	if c.issued && c.projectID != projectID {
		return forbidden("the token is not scoped to the project in the URL")
	}
	if c.headerProject != "" && c.headerProject != projectID {
		return forbidden("X-Project-Id does not match the project in the URL")
	}
	if projectID != s.projectID {
		return forbidden("the project in the URL does not exist or is not accessible")
	}
	return nil
}

func parseID(name, value string) (int64, *apiError) {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || strings.HasPrefix(value, "+") {
		return 0, badRequest("invalid %s %q: must be an integer", name, value)
	}
	return n, nil
}

// pageQuery is the validated offset/limit/status of a list call.
type pageQuery struct {
	offset, limit int
	status        string // "" = no filter
}

// singleParam returns a query parameter that must appear at most once and not be empty.
func singleParam(q url.Values, name string) (string, bool, *apiError) {
	v, ok := q[name]
	if !ok {
		return "", false, nil
	}
	if len(v) != 1 {
		return "", false, badRequest("query parameter %s must be given once", name)
	}
	if v[0] == "" {
		return "", false, badRequest("query parameter %s must not be empty", name)
	}
	return v[0], true, nil
}

// parsePage is the one offset/limit/status validator of every list call.
func parsePage(q url.Values, withStatus bool) (pageQuery, *apiError) {
	p := pageQuery{offset: 0, limit: 10}
	if v, ok, e := singleParam(q, "limit"); e != nil {
		return p, e
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || strings.HasPrefix(v, "+") {
			return p, badRequest("invalid limit %q: must be an integer", v)
		}
		if n < 1 || n > 100 {
			return p, badRequest("invalid limit %d: must be between 1 and 100", n)
		}
		p.limit = n
	}
	if v, ok, e := singleParam(q, "offset"); e != nil {
		return p, e
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || strings.HasPrefix(v, "+") {
			return p, badRequest("invalid offset %q: must be an integer", v)
		}
		if n < 0 {
			return p, badRequest("invalid offset %d: must not be negative", n)
		}
		if n%p.limit != 0 {
			return p, badRequest("invalid offset %d: must be 0 or a multiple of limit (%d)", n, p.limit)
		}
		p.offset = n
	}
	if withStatus {
		if v, ok, e := singleParam(q, "status"); e != nil {
			return p, e
		} else if ok {
			valid := false
			for _, st := range validStatuses {
				if v == st {
					valid = true
				}
			}
			if !valid {
				return p, badRequest("invalid status %q: must be one of %s", v, strings.Join(validStatuses, ", "))
			}
			p.status = v
		}
	}
	return p, nil
}

// paginate filters items with keep (nil keeps all) and returns the page and the
// number of items kept.
func paginate[T any](items []T, p pageQuery, keep func(*T) bool) ([]T, int) {
	page := make([]T, 0, min(p.limit, len(items)))
	if keep == nil {
		total := len(items)
		if p.offset < total {
			page = append(page, items[p.offset:min(total, p.offset+p.limit)]...)
		}
		return page, total
	}
	total := 0
	for i := range items {
		if !keep(&items[i]) {
			continue
		}
		if total >= p.offset && len(page) < p.limit {
			page = append(page, items[i])
		}
		total++
	}
	return page, total
}

// listBody encodes {"total": n, key: items}, total first as in the API reference.
func listBody(key string, items any, total int) []byte {
	b := make([]byte, 0, 256)
	b = append(b, `{"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	b = append(b, mustJSON(items)...)
	return append(b, '}')
}

// resolved is what a path names, copied out under the read lock.
type resolved struct {
	inst   *instanceState
	policy *policyState
	exec   *execState
}

// resolveLocked finds what the path names; it needs s.mu held.
func (s *Server) resolveLocked(m routeMatch, policyID, executionID int64, wantExec bool) (resolved, *apiError) {
	var out resolved
	out.inst = s.instances[m.instanceID]
	if out.inst == nil {
		return out, notFound("instance %s not found", m.instanceID)
	}
	if m.kind == routePolicies {
		return out, nil
	}
	if out.inst.namespaces[m.namespace] == nil {
		return out, notFound("namespace %s not found in instance %s", m.namespace, m.instanceID)
	}
	out.policy = findPolicy(out.inst, m.namespace, policyID)
	if out.policy == nil {
		return out, notFound("retention policy %d not found in namespace %s", policyID, m.namespace)
	}
	if !wantExec {
		return out, nil
	}
	out.exec = findExecution(out.policy, executionID)
	if out.exec == nil {
		return out, notFound("retention policy execution %d not found for policy %d", executionID, policyID)
	}
	return out, nil
}

func statusFilter[T any](status string, get func(*T) string) func(*T) bool {
	if status == "" {
		return nil
	}
	return func(t *T) bool { return get(t) == status }
}

// listPath is a list call's path parameters, parsed.
type listPath struct {
	policyID, executionID, taskID int64
}

// policyFilter is the policies list's name and namespace_id filters.
type policyFilter struct {
	name        string
	namespaceID int64
	hasNS       bool
}

// list serves the four list calls with one validator and one paginator: parse the
// path and the query, let a motion move the data (motion.go), copy what the path
// names, answer the page.
func (s *Server) list(r *http.Request, m routeMatch) ([]byte, *apiError) {
	ids, e := parseListPath(m)
	if e != nil {
		return nil, e
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("malformed query string")
	}
	p, e := parsePage(q, m.hasStatus)
	if e != nil {
		return nil, e
	}
	if _, ok := q["status"]; ok && m.kind == routeExecutions {
		return nil, badRequest("the executions list takes no status parameter, only offset and limit")
	}
	var pf policyFilter
	if m.kind == routePolicies {
		if pf, e = parsePolicyFilter(q); e != nil {
			return nil, e
		}
	}
	s.tick()
	data, e := s.listData(m, ids)
	if e != nil {
		return nil, e
	}
	return s.answer(m.kind, data, p, pf), nil
}

func parseListPath(m routeMatch) (listPath, *apiError) {
	var ids listPath
	var e *apiError
	if m.kind != routePolicies {
		if ids.policyID, e = parseID("policy_id", m.policyID); e != nil {
			return ids, e
		}
	}
	if m.kind == routeTasks || m.kind == routeSubTasks {
		if ids.executionID, e = parseID("execution_id", m.executionID); e != nil {
			return ids, e
		}
	}
	if m.kind == routeSubTasks {
		if ids.taskID, e = parseID("task_id", m.taskID); e != nil {
			return ids, e
		}
	}
	return ids, nil
}

func parsePolicyFilter(q url.Values) (policyFilter, *apiError) {
	var pf policyFilter
	if v, ok, e := singleParam(q, "name"); e != nil {
		return pf, e
	} else if ok {
		pf.name = v
	}
	if v, ok, e := singleParam(q, "namespace_id"); e != nil {
		return pf, e
	} else if ok {
		if pf.namespaceID, e = parseID("namespace_id", v); e != nil {
			return pf, e
		}
		pf.hasNS = true
	}
	return pf, nil
}

// listData is what a list call's path names, copied under the read lock (stored
// slices are replaced, never mutated).
type listData struct {
	tasks    []Task
	subs     []SubTask
	execs    []Execution
	policies []Policy
}

func (s *Server) listData(m routeMatch, ids listPath) (listData, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var d listData
	res, e := s.resolveLocked(m, ids.policyID, ids.executionID, m.kind == routeTasks || m.kind == routeSubTasks)
	if e != nil {
		return d, e
	}
	switch m.kind {
	case routePolicies:
		d.policies = make([]Policy, len(res.inst.policies))
		for i, pol := range res.inst.policies {
			d.policies[i] = pol.meta
		}
	case routeExecutions:
		d.execs = make([]Execution, len(res.policy.execs))
		for i, ex := range res.policy.execs {
			d.execs[i] = ex.meta
		}
	case routeTasks:
		d.tasks = res.exec.tasks
	case routeSubTasks:
		var known bool
		d.subs, known = res.exec.subtasks[ids.taskID]
		if _, isTask := res.exec.taskIDs[ids.taskID]; !known && !isTask {
			return d, notFound("task %d not found in execution %d", ids.taskID, ids.executionID)
		}
	}
	return d, nil
}

// answer pages the data of one list call as the listing quirks say.
func (s *Server) answer(kind routeKind, d listData, p pageQuery, pf policyFilter) []byte {
	st := s.listStyle()
	switch kind {
	case routePolicies:
		var keep func(*Policy) bool
		if pf.name != "" || pf.hasNS {
			keep = func(pol *Policy) bool {
				return strings.Contains(pol.Name, pf.name) && (!pf.hasNS || pol.NamespaceID == pf.namespaceID)
			}
		}
		return listAnswer("retentions", d.policies, p, keep, st)
	case routeExecutions:
		return listAnswer("executions", d.execs, p, nil, st)
	case routeTasks:
		return listAnswer("tasks", d.tasks, p, statusFilter(p.status, func(x *Task) string { return x.Status }), st)
	default:
		return listAnswer("sub_tasks", d.subs, p, statusFilter(p.status, func(x *SubTask) string { return x.Status }), st)
	}
}

// startExecution is POST .../executions {"dry_run": bool}: a new InProgress manual
// execution, newest first, with no tasks. The answer is 201 {"id": N} as in the SDK.
func (s *Server) startExecution(r *http.Request, m routeMatch) ([]byte, *apiError) {
	policyID, e := parseID("policy_id", m.policyID)
	if e != nil {
		return nil, e
	}
	var body struct {
		DryRun *bool `json:"dry_run"`
	}
	raw := readBody(r)
	if err := json.Unmarshal(raw, &body); err != nil || body.DryRun == nil {
		return nil, badRequest("the body must be a JSON object with a boolean dry_run")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res, e := s.resolveLocked(m, policyID, 0, false)
	if e != nil {
		return nil, e
	}
	// The id is one above every execution of the instance's policies (a motion's
	// counts its policy's only: motion.go startExecutionLocked).
	id := maxExecutionID(res.inst.policies) + 1
	ex := newExecutionLocked(res.policy, id, "manual", *body.DryRun, s.storedNow().UTC().Format(timeFormat))
	return mustJSON(map[string]int64{"id": ex.meta.ID}), nil
}
