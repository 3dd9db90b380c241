package client

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// metadata.public is the string enum "true"/"false" in the SDK; a JSON boolean is
// as plausible. Anything else is an error, never a guess.
func TestBoolOrString(t *testing.T) {
	for in, want := range map[string]bool{`"true"`: true, `"false"`: false, `true`: true, `false`: false, `null`: false} {
		var b BoolOrString
		if err := json.Unmarshal([]byte(in), &b); err != nil || bool(b) != want {
			t.Errorf("%s: got %v, %v; want %v", in, b, err, want)
		}
	}
	for _, in := range []string{`"yes"`, `1`, `"1"`, `"TRUE"`, `{}`} {
		var b BoolOrString
		if err := json.Unmarshal([]byte(in), &b); err == nil {
			t.Errorf("%s: accepted as %v", in, b)
		}
	}
}

// The instance id is a string: an instance listed twice is caught by the pager's
// duplicate check like any numeric id.
func TestPager_StringIDs(t *testing.T) {
	page := Page[Instance]{Total: 3, Items: []Instance{{ID: "a"}, {ID: "b"}, {ID: "a"}}}
	_, err := listAll(context.Background(), "instances", 2,
		func(context.Context, int, int) (Page[Instance], error) { return page, nil },
		func(i Instance) string { return i.ID })
	var inconsistent *InconsistentListError
	if !errors.As(err, &inconsistent) || !strings.Contains(err.Error(), "id a was listed twice") {
		t.Fatalf("got %v", err)
	}
}

// Filters the API may ignore are applied again to the snapshot: a fake that
// matches names by substring still gives only the exact name, and the public
// filter holds.
func TestListNamespaces_ExactFilters(t *testing.T) {
	fake, url := startFake(t)
	fake.SetNamespaces("ins-1", []fakeapi.Namespace{
		{Name: "web", NamespaceID: 1, Metadata: fakeapi.NamespaceMetadata{Public: "true"}},
		{Name: "web-old", NamespaceID: 2, Metadata: fakeapi.NamespaceMetadata{Public: "true"}},
		{Name: "webapp", NamespaceID: 3},
	})
	c := newTestClient(t, url)
	public := true
	got, err := c.ListNamespaces(context.Background(), ListNamespacesInput{InstanceID: "ins-1", Name: "web", Public: &public})
	if err != nil || len(got) != 1 || got[0].Name != "web" || !bool(got[0].Metadata.Public) {
		t.Fatalf("got %+v, %v", got, err)
	}
	private := false
	got, err = c.ListNamespaces(context.Background(), ListNamespacesInput{InstanceID: "ins-1", Public: &private})
	if err != nil || len(got) != 1 || got[0].Name != "webapp" {
		t.Fatalf("got %+v, %v", got, err)
	}
}
