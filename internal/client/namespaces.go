package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Namespace is one namespace of an instance, as the list-namespaces call returns it.
type Namespace struct {
	Name      string            `json:"name"`
	ID        int64             `json:"namespace_id"`
	Metadata  NamespaceMetadata `json:"metadata"`
	RepoCount int64             `json:"repo_count"`
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
}

// NamespaceMetadata holds the namespace settings the provider reads.
type NamespaceMetadata struct {
	Public BoolOrString `json:"public"`
}

// BoolOrString is a JSON boolean or its text: the SDK types metadata.public as the
// string enum "true"/"false" (Harbor's project metadata), while a JSON true is as
// plausible. Absent or null is false; any other value is an error, never a guess.
type BoolOrString bool

func (b *BoolOrString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		*b = false
		return nil
	}
	var s string
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
	} else {
		s = string(data)
	}
	v, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		return fmt.Errorf(`expected true or false, got %s`, excerpt(data, 40))
	}
	*b = BoolOrString(v)
	return nil
}

// ListNamespacesInput selects the namespaces of an instance. Name, when set, must
// match exactly; Public, when set, keeps the public (true) or private (false) ones.
type ListNamespacesInput struct {
	InstanceID string
	Name       string
	Public     *bool
}

// Filters are the filters of the listing: the API takes both.
func (in ListNamespacesInput) Filters() Filters {
	return Filters{sent("name", in.Name), sent("public", boolText(in.Public))}
}

// ListNamespaces reads every namespace of an instance matching in, in the API's
// order.
//
// Name and Public go to the API's filters and are applied again here to the
// complete snapshot: the API's name filter may match more than the exact name
// (the SDK does not say), and an API version may ignore a filter it does not know.
func (c *Client) ListNamespaces(ctx context.Context, in ListNamespacesInput) ([]Namespace, error) {
	const what = "namespaces"
	all, err := listUnderInstance(ctx, c, what, "namespaces", in.Filters().Query(), leaving{deleted: true, filter: true},
		func(n Namespace) int64 { return n.ID }, in.InstanceID, "namespaces")
	if err != nil {
		return nil, err
	}
	return keepMatching(ctx, c, what, all, func(n Namespace) bool {
		return (in.Name == "" || n.Name == in.Name) && (in.Public == nil || bool(n.Metadata.Public) == *in.Public)
	}), nil
}
