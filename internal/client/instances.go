package client

import (
	"context"
)

// InstanceStatuses are the status values the SDK documents for instances (the
// list call's status filter takes the same four).
var InstanceStatuses = []string{"Initial", "Creating", "Running", "Unavailable"}

// Instance is one SWR Enterprise instance, as the list-instances call returns it.
// The SDK marks every field optional; an absent one is its zero value here.
type Instance struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	Status              string `json:"status"`
	Spec                string `json:"spec"`
	Version             string `json:"version"`
	ChargeMode          string `json:"charge_mode"`
	AccessAddress       string `json:"access_address"`
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

// ListInstancesInput selects instances: Status and EnterpriseProjectID go to the
// API's filters; Name, when set, must match exactly.
type ListInstancesInput struct {
	Status              string
	EnterpriseProjectID string
	Name                string
}

// Filters are the filters of the listing: the API has no name filter.
func (in ListInstancesInput) Filters() Filters {
	return Filters{sent("status", in.Status), sent("enterprise_project_id", in.EnterpriseProjectID), unsent("name", in.Name)}
}

// ListInstances reads every SWR Enterprise instance of the project matching in,
// in the API's order.
//
// The API has no name filter, so Name applies here, to the complete snapshot.
// Status and EnterpriseProjectID are sent to the API and checked again here: an
// API version that ignored them would otherwise return instances that were not
// asked for. The instance id is a string, which is what the pager's duplicate
// check keys on.
func (c *Client) ListInstances(ctx context.Context, in ListInstancesInput) ([]Instance, error) {
	const what = "instances"
	all, err := listUnderInstance(ctx, c, what, "instances", in.Filters().Query(), leaving{deleted: true, filter: true}, func(i Instance) string { return i.ID })
	if err != nil {
		return nil, err
	}
	return keepMatching(ctx, c, what, all, func(i Instance) bool {
		return (in.Name == "" || i.Name == in.Name) &&
			(in.Status == "" || i.Status == in.Status) &&
			(in.EnterpriseProjectID == "" || i.EnterpriseProjectID == in.EnterpriseProjectID)
	}), nil
}
