package client

import (
	"net/url"
	"strconv"
)

// Filter is one filter of a listing: its name, which is both the API's query
// parameter and the data source's argument; its value as text, "" when unset;
// and whether the API takes it (Sent), or only the client applies it.
type Filter struct {
	Name  string
	Value string
	Sent  bool
}

// Filters are the filters of one listing: the one table from which the client
// builds the API's query and the provider the data source's id. Whatever the
// API does with a filter it takes, the client applies every set filter again to
// what the API listed (keepMatching).
type Filters []Filter

// Query is the API's query: the set filters the API takes.
func (f Filters) Query() url.Values { return f.values(true) }

// Set is every set filter, by name.
func (f Filters) Set() url.Values { return f.values(false) }

// values are the set filters by name, only those the API takes when sentOnly.
func (f Filters) values(sentOnly bool) url.Values {
	q := url.Values{}
	for _, filter := range f {
		if filter.Value != "" && (filter.Sent || !sentOnly) {
			q.Set(filter.Name, filter.Value)
		}
	}
	return q
}

// sent is a filter the API takes; unsent one it does not.
func sent(name, value string) Filter   { return Filter{Name: name, Value: value, Sent: true} }
func unsent(name, value string) Filter { return Filter{Name: name, Value: value} }

// idText is a positive id as a filter value: "" for 0 (unset).
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// boolText is an optional boolean as a filter value: "" for nil (unset).
func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}
