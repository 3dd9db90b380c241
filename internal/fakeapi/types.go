package fakeapi

// Wire types of the fake. They are the server's own: the fake never imports the
// provider's client types, so a client bug cannot be mirrored by the server.

// Task is one row of the list-tasks call (one repository processed by an execution).
type Task struct {
	ID             int64  `json:"id"`
	ExecutionID    int64  `json:"execution_id"`
	Repository     string `json:"repository"`
	JobID          string `json:"job_id"`
	Status         string `json:"status"`
	StatusCode     int    `json:"status_code"`
	StatusRevision int64  `json:"status_revision"`
	StartTime      string `json:"start_time"`
	EndTime        string `json:"end_time"`
	Total          int64  `json:"total"`
	Retained       int64  `json:"retained"`
}

// Execution is one run of a retention policy.
type Execution struct {
	ID        int64  `json:"id"`
	PolicyID  int64  `json:"policy_id"`
	DryRun    bool   `json:"dry_run"`
	Status    string `json:"status"`
	Trigger   string `json:"trigger"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// SubTask is one artifact acted on by a task. The SDK types job_id as an integer.
type SubTask struct {
	ID         int64  `json:"id"`
	JobID      int64  `json:"job_id"`
	Namespace  string `json:"namespace"`
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	Digest     string `json:"digest"`
	Action     string `json:"action"`
	Status     string `json:"status"`
	StatusText string `json:"status_text"`
	OpTime     string `json:"op_time"`
}

// Policy is a retention policy as returned by the list-policies call.
type Policy struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Enabled       bool          `json:"enabled"`
	NamespaceID   int64         `json:"namespace_id"`
	NamespaceName string        `json:"namespace_name"`
	Algorithm     string        `json:"algorithm"`
	Rules         []PolicyRule  `json:"rules"`
	Trigger       PolicyTrigger `json:"trigger"`
}

// PolicyRule is one rule of a policy ("retain" the artifacts the template selects).
type PolicyRule struct {
	ID             int64                 `json:"id,omitempty"`
	Priority       int                   `json:"priority"`
	Disabled       bool                  `json:"disabled"`
	Action         string                `json:"action"`
	Template       string                `json:"template"`
	Params         map[string]any        `json:"params"`
	TagSelectors   []Selector            `json:"tag_selectors"`
	ScopeSelectors map[string][]Selector `json:"scope_selectors"`
	RepoScopeMode  string                `json:"repo_scope_mode"`
}

// Selector selects tags or repositories by a doublestar pattern.
type Selector struct {
	Kind       string `json:"kind"`
	Decoration string `json:"decoration"`
	Pattern    string `json:"pattern"`
	Extras     string `json:"extras,omitempty"`
}

// PolicyTrigger says when a policy runs.
type PolicyTrigger struct {
	Type            string          `json:"type"`
	TriggerSettings TriggerSettings `json:"trigger_settings"`
}

// TriggerSettings holds the cron expression (UTC) of a scheduled policy.
type TriggerSettings struct {
	Cron string `json:"cron"`
}

// errorBody is the SWR error format.
type errorBody struct {
	ErrorCode                   string `json:"error_code"`
	ErrorMsg                    string `json:"error_msg"`
	EncodedAuthorizationMessage string `json:"encoded_authorization_message,omitempty"`
}

// iamErrorBody is IAM's error format.
type iamErrorBody struct {
	Error iamError `json:"error"`
}

type iamError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Title   string `json:"title"`
}

// Statuses a task, execution or sub-task filter accepts (case-sensitive).
var validStatuses = []string{"Initialized", "Pending", "InProgress", "Succeed", "Failed", "Stopped"}

// Instance is one SWR Enterprise instance as the list-instances call returns it
// (the SDK's Instance, the fields the provider reads plus a few it does not).
type Instance struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	Status              string `json:"status"`
	Spec                string `json:"spec"`
	Version             string `json:"version"`
	ChargeMode          string `json:"charge_mode"`
	AccessAddress       string `json:"access_address"`
	ProjectID           string `json:"project_id"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
	VpcID               string `json:"vpc_id"`
	VpcName             string `json:"vpc_name"`
	VpcCidr             string `json:"vpc_cidr"`
	SubnetID            string `json:"subnet_id"`
	SubnetName          string `json:"subnet_name"`
	SubnetCidr          string `json:"subnet_cidr"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
	ExpiresAt           string `json:"expires_at"`
}

// Namespace is one namespace of an instance as the list-namespaces call returns it.
type Namespace struct {
	Name        string            `json:"name"`
	NamespaceID int64             `json:"namespace_id"`
	Metadata    NamespaceMetadata `json:"metadata"`
	RepoCount   int64             `json:"repo_count"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

// NamespaceMetadata: the SDK types public as the string enum "true"/"false".
type NamespaceMetadata struct {
	Public string `json:"public"`
}

// Statuses the list-instances status filter accepts (case-sensitive).
var instanceStatuses = []string{"Initial", "Creating", "Running", "Unavailable"}
