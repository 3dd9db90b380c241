package fakeapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// The two account-level listings: the instances of the project and the namespaces
// of an instance. They share the offset/limit validator, the paginator and the
// body of the other lists; only their filters differ.

// placeholderInstance is the listing of an instance no SetInstance described: a
// running instance named after its id, so that data set up through the other
// setters is reachable from the instance listing too.
func placeholderInstance(id, projectID string) Instance {
	return Instance{
		ID: id, Name: id, Status: "Running", Spec: "swr.ee.professional", Version: "v2.10.1",
		ChargeMode: "postPaid", AccessAddress: "https://" + id + ".swr.example.test", ProjectID: projectID,
		EnterpriseProjectID: "0", CreatedAt: "2024-01-01T00:00:00Z", UpdatedAt: "2024-01-01T00:00:00Z",
	}
}

// SetInstance describes an instance (created when unknown) as the instance
// listing shows it; meta.ID names it. Its namespaces and policies are kept.
func (s *Server) SetInstance(meta Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instanceLocked(meta.ID)
	if meta.ProjectID == "" {
		meta.ProjectID = s.projectID
	}
	inst.meta = meta
}

// SetNamespaces adds or describes namespaces of an instance (created when unknown),
// listed by namespace id. A namespace already known (by name) keeps its id and
// its policies; a new one takes NamespaceID when that id is free. An empty
// Metadata.Public is "false".
func (s *Server) SetNamespaces(instanceID string, namespaces []Namespace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instanceLocked(instanceID)
	for _, meta := range namespaces {
		ns := namespaceLocked(inst, meta.Name, meta.NamespaceID)
		ns.meta = meta
	}
}

// namespaceView is the listing of a namespace: its id and name always, the rest
// as SetNamespaces gave it.
func namespaceView(ns *nsState) Namespace {
	out := ns.meta
	out.Name, out.NamespaceID = ns.name, ns.id
	if out.Metadata.Public == "" {
		out.Metadata.Public = "false"
	}
	return out
}

// listAccount serves GET /v2/{project_id}/instances?offset&limit&status&enterprise_project_id
// and GET /v2/{project_id}/instances/{instance_id}/namespaces?offset&limit&name&public.
// The instances come in id order and the namespaces in namespace-id order; total
// counts the filtered set. The namespace name filter matches substrings.
func (s *Server) listAccount(r *http.Request, m routeMatch) ([]byte, *apiError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("malformed query string")
	}
	p, e := parsePage(q, false)
	if e != nil {
		return nil, e
	}
	s.tick()
	if m.kind == routeInstances {
		return s.listInstances(q, p)
	}
	return s.listNamespaces(q, p, m.instanceID)
}

func (s *Server) listInstances(q url.Values, p pageQuery) ([]byte, *apiError) {
	status, hasStatus, e := singleParam(q, "status")
	if e != nil {
		return nil, e
	}
	if hasStatus && !slices.Contains(instanceStatuses, status) {
		return nil, badRequest("invalid status %q: must be one of %s", status, strings.Join(instanceStatuses, ", "))
	}
	eps, hasEPS, e := singleParam(q, "enterprise_project_id")
	if e != nil {
		return nil, e
	}
	s.mu.RLock()
	all := make([]Instance, 0, len(s.instances))
	for _, inst := range s.instances {
		all = append(all, inst.meta)
	}
	s.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	var keep func(*Instance) bool
	if hasStatus || hasEPS {
		keep = func(i *Instance) bool {
			return (!hasStatus || i.Status == status) && (!hasEPS || i.EnterpriseProjectID == eps)
		}
	}
	return listAnswer("instances", all, p, keep, s.listStyle()), nil
}

func (s *Server) listNamespaces(q url.Values, p pageQuery, instanceID string) ([]byte, *apiError) {
	name, _, e := singleParam(q, "name")
	if e != nil {
		return nil, e
	}
	public, hasPublic, e := singleParam(q, "public")
	if e != nil {
		return nil, e
	}
	if hasPublic && public != "true" && public != "false" {
		return nil, badRequest("invalid public %q: must be true or false", public)
	}
	s.mu.RLock()
	inst := s.instances[instanceID]
	var all []Namespace
	if inst != nil {
		all = make([]Namespace, 0, len(inst.namespaces))
		for _, ns := range inst.namespaces {
			all = append(all, namespaceView(ns))
		}
	}
	s.mu.RUnlock()
	if inst == nil {
		return nil, notFound("instance %s not found", instanceID)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].NamespaceID < all[j].NamespaceID })
	var keep func(*Namespace) bool
	if name != "" || hasPublic {
		keep = func(n *Namespace) bool {
			return strings.Contains(n.Name, name) && (!hasPublic || n.Metadata.Public == public)
		}
	}
	return listAnswer("namespaces", all, p, keep, s.listStyle()), nil
}

// seedName is the name of the i-th (1-based) generated namespace of a seed.
func seedName(prefix string, i int) string { return fmt.Sprintf("%s-%03d", prefix, i) }

// seedAccount loads the instances and namespaces of the sample account, and the
// policies of the two instances besides ins-demo (whose policies SeedSample sets).
func (s *Server) seedAccount() {
	instance := func(id, name, status, desc, created string) Instance {
		i := placeholderInstance(id, s.projectID)
		i.Name, i.Status, i.Description, i.CreatedAt, i.UpdatedAt = name, status, desc, created, created
		i.VpcID, i.VpcName = "vpc-"+derivedID("vpc", id)[:12], "vpc-platform"
		i.SubnetID, i.SubnetName = "subnet-"+derivedID("subnet", id)[:12], "subnet-registry"
		return i
	}
	demo := instance(SampleInstance, "demo", "Running", "Platform images", "2024-01-02T08:00:00Z")
	shared := instance(SampleSharedInstance, "shared", "Running", "Shared CI caches and base images", "2024-02-10T09:30:00.250Z")
	staging := instance(SampleStagingInstance, "staging", "Creating", "Being created", "2024-06-01T12:00:00Z")
	staging.AccessAddress, staging.UpdatedAt = "", ""
	for _, i := range []Instance{demo, shared, staging} {
		s.SetInstance(i)
	}

	ns := func(name string, id int64, public bool, repos int64, created string) Namespace {
		n := Namespace{Name: name, NamespaceID: id, Metadata: NamespaceMetadata{Public: fmt.Sprint(public)},
			RepoCount: repos, CreatedAt: created, UpdatedAt: created}
		return n
	}
	s.SetNamespaces(SampleInstance, []Namespace{
		ns(SampleNamespace, SampleNamespaceID, false, 40, "2024-01-02T08:10:00Z"),
		ns(SampleOtherNamespace, 2, true, 6, "2024-01-02T08:11:00Z"),
		ns(SampleSandboxNamespace, 3, false, 3, "2024-01-05T14:00:00Z"),
	})
	sharedNS := []Namespace{
		ns("base-images", 1, true, 12, "2024-02-10T10:00:00Z"),
		ns("apps", 2, false, 25, "2024-02-10T10:05:00Z"),
	}
	for i := 1; len(sharedNS) < SampleSharedNamespaces; i++ {
		sharedNS = append(sharedNS, ns(seedName("ci-cache", i), int64(len(sharedNS)+1), false, int64(i%7), "2024-03-01T00:00:00Z"))
	}
	s.SetNamespaces(SampleSharedInstance, sharedNS)
	s.SetNamespaces(SampleStagingInstance, []Namespace{ns("staging", 1, false, 2, "2024-06-01T12:30:00Z")})

	keepLatest := func(id int64, name, namespace string) Policy {
		p := placeholderPolicy(id, &nsState{name: namespace})
		p.Name, p.Enabled, p.NamespaceName, p.NamespaceID = name, true, namespace, 0
		p.Trigger = PolicyTrigger{Type: "scheduled", TriggerSettings: TriggerSettings{Cron: "0 0 3 * * *"}}
		return p
	}
	sharedPolicies := []Policy{
		keepLatest(SampleSharedBasePolicy, "base-images-keep-10", "base-images"),
		keepLatest(SampleSharedAppsPolicy, "apps-keep-10", "apps"),
	}
	for i, sc := range sampleCases {
		ns := seedName("ci-cache", i+1)
		sharedPolicies = append(sharedPolicies, keepLatest(sc.policyID, ns+"-"+sc.name, ns))
	}
	s.SetPolicies(SampleSharedInstance, sharedPolicies)
	s.SetPolicies(SampleStagingInstance, []Policy{keepLatest(SampleStagingPolicyID, "staging-keep-10", "staging")})

	// Finished runs: every task of the shared instance's succeeded; staging's failed
	// (the audit must not read it: the instance is not running).
	finished := func(exec int64, n int, status string, start time.Time) []Task {
		ts := generateTasks(exec, n, exec, true)
		for i := range ts {
			ts[i].Status = status
		}
		return runAt(ts, start)
	}
	july := func(day, hour int) time.Time { return time.Date(2024, 7, day, hour, 0, 0, 0, time.UTC) }
	shKey := func(ns string, policy, exec int64) ExecutionKey {
		return ExecutionKey{InstanceID: SampleSharedInstance, Namespace: ns, PolicyID: policy, ExecutionID: exec}
	}
	s.SetTasks(shKey("base-images", SampleSharedBasePolicy, SampleSharedBaseExec), finished(SampleSharedBaseExec, 8, "Succeed", july(2, 3)))
	s.SetTasks(shKey("apps", SampleSharedAppsPolicy, SampleSharedAppsExec), finished(SampleSharedAppsExec, 15, "Succeed", july(1, 3)))
	s.SetTasks(shKey("apps", SampleSharedAppsPolicy, SampleSharedAppsRunning), nil)
	s.SetExecutions(SampleSharedInstance, "apps", SampleSharedAppsPolicy, []Execution{
		{ID: SampleSharedAppsRunning, Status: "InProgress", Trigger: "scheduled", StartTime: "2024-07-02T03:00:00Z"},
		{ID: SampleSharedAppsExec, Status: "Succeed", Trigger: "scheduled", StartTime: "2024-07-01T03:00:00Z", EndTime: "2024-07-01T03:02:10Z"},
	})
	s.SetTasks(ExecutionKey{InstanceID: SampleStagingInstance, Namespace: "staging", PolicyID: SampleStagingPolicyID, ExecutionID: SampleStagingExecution},
		finished(SampleStagingExecution, 5, "Failed", time.Date(2024, 6, 1, 13, 0, 0, 0, time.UTC)))

	// The policies in a case: two daily runs each, then the case.
	for i, sc := range sampleCases {
		s.healthyRuns(SampleSharedInstance, seedName("ci-cache", i+1), sc.policyID, int64(411+10*i), 6+2*i)
	}
	for _, sc := range sampleCases {
		if err := s.SetCase(SampleSharedInstance, sc.policyID, sc.c); err != nil {
			panic("sample data: " + err.Error()) // a bug of this file, which every test that seeds meets
		}
	}
}
