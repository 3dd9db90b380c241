package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// The one description of the items of a list data source: one row per field,
// giving the attribute's name, description and kind and how to read it from the
// client's type. The nested schema attributes, the Terraform type and the value
// that goes into state all derive from the rows, so adding a field is adding a
// row.
//
// Values are built as tftypes values, not framework values: at 10,000 tasks this
// halves the time and allocations of a read compared with framework values and
// State.Set (measured with BenchmarkReadDataSource), and the state is byte for byte
// the same (TestItemValues_StateEqualsStateSet).

// field is one row: one attribute of every item of type T.
type field[T any] struct {
	name string
	attr schema.Attribute
	// value reads the attribute of one item; c names the item in warnings.
	value func(item T, c *conversion[T]) tftypes.Value
}

// itemType describes the items of one list (or nested object) attribute.
type itemType[T any] struct {
	kind string // names an item in warnings, e.g. "Task"
	// ref names one item in warnings, after kind: its id, e.g. `12`, or the id
	// and what a reader needs to find it, e.g. `12 (repository "a/b")`. It is only
	// called for an item a warning names.
	ref    func(T) string
	fields []field[T]
	// tfType is the object type of one item, derived from the fields, and
	// tfListType the type of a list of them: held as tftypes.Type so that
	// tftypes.NewValue does not box them again for every item.
	tfType     tftypes.Type
	tfListType tftypes.Type
}

// newItemType is the item type of the fields, whose warnings say kind and ref.
func newItemType[T any](kind string, ref func(T) string, fields ...field[T]) *itemType[T] {
	attrTypes := make(map[string]tftypes.Type, len(fields))
	for _, f := range fields {
		attrTypes[f.name] = f.attr.GetType().TerraformType(context.Background())
	}
	it := &itemType[T]{kind: kind, ref: ref, fields: fields, tfType: tftypes.Object{AttributeTypes: attrTypes}}
	it.tfListType = it.listType()
	return it
}

// attributes are the schema attributes of one item.
func (it *itemType[T]) attributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(it.fields))
	for _, f := range it.fields {
		out[f.name] = f.attr
	}
	return out
}

func (it *itemType[T]) nestedObject() schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: it.attributes()}
}

// listAttribute is the computed list of these items, described by description.
func (it *itemType[T]) listAttribute(description string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{Computed: true, MarkdownDescription: description, NestedObject: it.nestedObject()}
}

// objectAttribute is one computed item, described by description.
func (it *itemType[T]) objectAttribute(description string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: description, Attributes: it.attributes()}
}

// listType is the Terraform type of a list of these items (tfListType holds it
// boxed once).
func (it *itemType[T]) listType() tftypes.List { return tftypes.List{ElementType: it.tfType} }

// conversion is the conversion of the items of one read: what it found wrong
// in them goes to notes, for the read's warnings.
type conversion[T any] struct {
	items *itemType[T]
	notes *readNotes
}

// values are the Terraform values of items, in order.
func (it *itemType[T]) values(items []T, notes *readNotes) []tftypes.Value {
	c := &conversion[T]{items: it, notes: notes}
	out := make([]tftypes.Value, len(items))
	for i, item := range items {
		out[i] = c.value(item)
	}
	return out
}

// value is the Terraform value of one item.
func (c *conversion[T]) value(item T) tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(c.items.fields))
	for _, f := range c.items.fields {
		attrs[f.name] = f.value(item, c)
	}
	return tftypes.NewValue(c.items.tfType, attrs)
}

// note records that item has the fault key; detail is called for the first
// such item only.
func (c *conversion[T]) note(item T, key string, detail func(kind, ref string) note) {
	c.notes.add(key, c.items.kind, func() note { return detail(c.items.kind, c.items.ref(item)) })
}

// The kinds of row. Each is a computed attribute with its description.

// scalarField is a row of a Terraform primitive of type typ, read by get; with
// nullWhenZero, the zero value (the API gave none) is null.
func scalarField[T any, V comparable](name string, attr schema.Attribute, typ tftypes.Type, get func(T) V, nullWhenZero bool) field[T] {
	return field[T]{name: name, attr: attr, value: func(item T, _ *conversion[T]) tftypes.Value {
		v := get(item)
		var zero V
		if nullWhenZero && v == zero {
			return tftypes.NewValue(typ, nil)
		}
		return tftypes.NewValue(typ, v)
	}}
}

func int64Field[T any](name, description string, get func(T) int64) field[T] {
	return scalarField(name, schema.Int64Attribute{Computed: true, MarkdownDescription: description}, tftypes.Number, get, false)
}

// optionalInt64Field is null when the API gives 0 (none).
func optionalInt64Field[T any](name, description string, get func(T) int64) field[T] {
	return scalarField(name, schema.Int64Attribute{Computed: true, MarkdownDescription: description}, tftypes.Number, get, true)
}

func stringField[T any](name, description string, get func(T) string) field[T] {
	return scalarField(name, schema.StringAttribute{Computed: true, MarkdownDescription: description}, tftypes.String, get, false)
}

// optionalStringField is null when the API gives "" (none).
func optionalStringField[T any](name, description string, get func(T) string) field[T] {
	return scalarField(name, schema.StringAttribute{Computed: true, MarkdownDescription: description}, tftypes.String, get, true)
}

func boolField[T any](name, description string, get func(T) bool) field[T] {
	return scalarField(name, schema.BoolAttribute{Computed: true, MarkdownDescription: description}, tftypes.Bool, get, false)
}

// timeField is an API time, what it is said by what; see times.go.
func timeField[T any](name, what string, get func(T) string) field[T] {
	var typ tftypes.Type = tftypes.String
	unreadableKey := "unreadable time " + name
	return field[T]{
		name: name,
		attr: schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: timeAttributeDescription(what)},
		value: func(item T, c *conversion[T]) tftypes.Value {
			s := get(item)
			out, kind := normalizeAPITime(s)
			switch kind {
			case client.TimeValid:
				return tftypes.NewValue(typ, out)
			case client.TimeInvalid:
				c.note(item, unreadableKey, func(kind, ref string) note { return unreadableTimeNote(kind, ref, name, s) })
			}
			return tftypes.NewValue(typ, nil)
		},
	}
}

// countField is a number of things, which cannot be negative: a negative count is
// kept as the API gave it, with a warning naming the item. limits declare the
// counts it cannot exceed.
func countField[T any](name, description string, get func(T) int64, limits ...countLimit[T]) field[T] {
	f := int64Field(name, description, get)
	var typ tftypes.Type = tftypes.Number
	negativeKey := "negative " + name
	aboveKeys := make([]string, len(limits))
	for i, l := range limits {
		aboveKeys[i] = name + " above " + l.name
	}
	f.value = func(item T, c *conversion[T]) tftypes.Value {
		n := get(item)
		if n < 0 {
			c.note(item, negativeKey, func(kind, ref string) note { return negativeCountNote(kind, ref, name, n) })
		}
		for i, l := range limits {
			if limit := l.get(item); n > limit && limit >= 0 {
				c.note(item, aboveKeys[i], func(kind, ref string) note { return countAboveNote(kind, ref, name, n, l.name, limit) })
			}
		}
		return tftypes.NewValue(typ, n)
	}
	return f
}

// countLimit says that a count cannot exceed the count field name of the same item.
type countLimit[T any] struct {
	name string
	get  func(T) int64
}

// atMost is the limit of a count that cannot exceed the count field name.
func atMost[T any](name string, get func(T) int64) countLimit[T] {
	return countLimit[T]{name: name, get: get}
}

// statusField is the status of an item, one of documented: a status outside
// them is kept as the API gave it, with one warning that names the first few
// items that have one, with their status, and counts them all. No status at all
// ("") is not warned of here: it is a missing field, not a status an audit's
// condition could overlook, and failed is then false.
func statusField[T any](name, description string, documented client.StatusSet, get func(T) string) field[T] {
	f := stringField(name, description+": "+quotedList(documented)+". "+undocumentedStatusSentence, get)
	var typ tftypes.Type = tftypes.String
	undocumentedKey := "undocumented " + name
	f.value = func(item T, c *conversion[T]) tftypes.Value {
		s := get(item)
		if s != "" && !documented.Documented(s) {
			c.note(item, undocumentedKey, func(kind, ref string) note { return undocumentedStatusNote(kind, ref, name, s, documented) })
		}
		return tftypes.NewValue(typ, s)
	}
	return f
}

// undocumentedStatusSentence says in each status's description what another
// status gives.
const undocumentedStatusSentence = "Another status is kept as the API gave it, with a warning."

// failedField is whether the item failed, derived from the documented statuses
// (client.StatusSet.Failed): its status is Failed, or it has finished (as
// finished says, described by whenFinished) with a status the API does not
// document. The examples' gates test it rather than status == "Failed", which
// an undocumented Error would pass.
func failedField[T any](kind string, documented client.StatusSet, status func(T) string, whenFinished string, finished func(T) bool) field[T] {
	return boolField("failed", fmt.Sprintf("`true` when the %s failed: its `status` is `Failed`, or it has finished (%s) with a status the API does not document, "+
		"such as Harbor's `Error`. `Stopped` is not a failure. See the guide Statuses and times.", kind, whenFinished),
		func(item T) bool { return documented.Failed(status(item), finished(item)) })
}

// stringMapField is a map of strings.
func stringMapField[T any](name, description string, get func(T) map[string]string) field[T] {
	var elemType tftypes.Type = tftypes.String
	var mapType tftypes.Type = tftypes.Map{ElementType: elemType}
	return field[T]{
		name: name,
		attr: schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: description},
		value: func(item T, _ *conversion[T]) tftypes.Value {
			m := get(item)
			elems := make(map[string]tftypes.Value, len(m))
			for k, v := range m {
				elems[k] = tftypes.NewValue(elemType, v)
			}
			return tftypes.NewValue(mapType, elems)
		},
	}
}

// listField is a list of nested items of type sub.
func listField[T, U any](name, description string, sub *itemType[U], get func(T) []U) field[T] {
	return field[T]{name: name, attr: sub.listAttribute(description),
		value: func(item T, c *conversion[T]) tftypes.Value {
			return tftypes.NewValue(sub.tfListType, sub.values(get(item), c.notes))
		}}
}

// objectField is one nested item of type sub.
func objectField[T, U any](name, description string, sub *itemType[U], get func(T) U) field[T] {
	return field[T]{name: name, attr: sub.objectAttribute(description),
		value: func(item T, c *conversion[T]) tftypes.Value {
			return (&conversion[U]{items: sub, notes: c.notes}).value(get(item))
		}}
}

// idRef is the ref of an item named by its number.
func idRef[T any](id func(T) int64) func(T) string {
	return func(item T) string { return fmt.Sprint(id(item)) }
}

// stringIDRef is the ref of an item named by a string id, the API's text, quoted.
func stringIDRef[T any](id func(T) string) func(T) string {
	return func(item T) string { return quoteUntrusted(id(item)) }
}

// stringListField is a list of strings; nil is an empty list.
func stringListField[T any](name, description string, get func(T) []string) field[T] {
	var elemType tftypes.Type = tftypes.String
	var listType tftypes.Type = tftypes.List{ElementType: elemType}
	return field[T]{
		name: name,
		attr: schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: description},
		value: func(item T, _ *conversion[T]) tftypes.Value {
			s := get(item)
			elems := make([]tftypes.Value, len(s))
			for i, v := range s {
				elems[i] = tftypes.NewValue(elemType, v)
			}
			return tftypes.NewValue(listType, elems)
		},
	}
}

// knownCountField is a count that is null unless get says it is known (0 is a
// count like any other).
func knownCountField[T any](name, description string, get func(T) (int64, bool)) field[T] {
	var typ tftypes.Type = tftypes.Number
	return field[T]{name: name, attr: schema.Int64Attribute{Computed: true, MarkdownDescription: description},
		value: func(item T, _ *conversion[T]) tftypes.Value {
			n, known := get(item)
			if !known {
				return tftypes.NewValue(typ, nil)
			}
			return tftypes.NewValue(typ, n)
		}}
}

// knownCountMapField is a map of counts that is null unless get says it is known.
func knownCountMapField[T any](name, description string, get func(T) (map[string]int64, bool)) field[T] {
	var typ tftypes.Type = tftypes.Map{ElementType: tftypes.Number}
	return field[T]{name: name, attr: schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: description},
		value: func(item T, _ *conversion[T]) tftypes.Value {
			m, known := get(item)
			if !known {
				return tftypes.NewValue(typ, nil)
			}
			return int64MapValue(m)
		}}
}
