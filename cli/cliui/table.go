package cliui

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"
)

// Table rows are structs whose fields carry a `table:"name"` tag, as in
// Coder's CLI:
//
//	`table:"name,default_sort"` the column rows are sorted by
//	`table:"-"`                 not a column
//	`table:"x,recursive_inline"` a nested struct whose columns are inlined
//
// Column names are lower case (what -c takes); headers are upper case.

type tableColumn struct {
	name  string
	index []int
}

type tableFormat struct {
	rowType        reflect.Type
	columns        []tableColumn
	sortColumn     string
	defaultColumns []string
	selected       []string
}

// TableFormat renders a slice of rows like out (e.g. []templateRow{}) as an
// aligned table with -c/--column choosing the columns; defaultColumns are
// shown when -c is not given.
func TableFormat(out any, defaultColumns []string) OutputFormat {
	t := reflect.TypeOf(out)
	if t.Kind() != reflect.Slice {
		panic("cliui: TableFormat wants a slice, got " + t.String())
	}
	rowType := t.Elem()
	for rowType.Kind() == reflect.Pointer {
		rowType = rowType.Elem()
	}
	if rowType.Kind() != reflect.Struct {
		panic("cliui: TableFormat rows must be structs, got " + rowType.String())
	}
	f := &tableFormat{rowType: rowType}
	f.collect(rowType, nil)
	if len(f.columns) == 0 {
		panic("cliui: no table columns in " + rowType.String())
	}
	for _, c := range defaultColumns {
		if f.column(c) == nil {
			panic(fmt.Sprintf("cliui: default column %q is not a column of %s", c, rowType))
		}
	}
	if len(defaultColumns) == 0 {
		for _, c := range f.columns {
			defaultColumns = append(defaultColumns, c.name)
		}
	}
	f.defaultColumns = defaultColumns
	return f
}

func (f *tableFormat) collect(t reflect.Type, index []int) {
	for i := range t.NumField() {
		field := t.Field(i)
		tag, ok := field.Tag.Lookup("table")
		if !ok || tag == "-" {
			continue
		}
		parts := strings.Split(tag, ",")
		name := strings.TrimSpace(parts[0])
		fieldIndex := append(append([]int(nil), index...), i)
		flags := map[string]bool{}
		for _, p := range parts[1:] {
			flags[strings.TrimSpace(p)] = true
		}
		if flags["recursive_inline"] {
			ft := field.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			f.collect(ft, fieldIndex)
			continue
		}
		if f.column(name) != nil {
			panic(fmt.Sprintf("cliui: duplicate table column %q in %s", name, f.rowType))
		}
		f.columns = append(f.columns, tableColumn{name: name, index: fieldIndex})
		if flags["default_sort"] {
			f.sortColumn = name
		}
	}
}

func (f *tableFormat) column(name string) *tableColumn {
	for i := range f.columns {
		if f.columns[i].name == name {
			return &f.columns[i]
		}
	}
	return nil
}

func (*tableFormat) ID() string { return "table" }

func (f *tableFormat) AttachOptions(opts *serpent.OptionSet) {
	names := make([]string, 0, len(f.columns))
	for _, c := range f.columns {
		names = append(names, c.name)
	}
	opts.Add(serpent.Option{
		Name:          "column",
		Flag:          "column",
		FlagShorthand: "c",
		Default:       strings.Join(f.defaultColumns, ","),
		Description:   "Columns to display in table output.",
		Value:         serpent.EnumArrayOf(&f.selected, names...),
	})
}

func (f *tableFormat) Format(ctx context.Context, data any) (string, error) {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Slice {
		return "", xerrors.Errorf("table output wants a list, got %T", data)
	}
	selected := f.selected
	if len(selected) == 0 {
		selected = f.defaultColumns
	}
	columns := make([]tableColumn, 0, len(selected))
	for _, name := range selected {
		c := f.column(strings.ToLower(strings.TrimSpace(name)))
		if c == nil {
			return "", xerrors.Errorf("unknown column %q", name)
		}
		columns = append(columns, *c)
	}

	rows := make([][]string, 0, v.Len())
	var sortKeys []string
	for i := range v.Len() {
		row := v.Index(i)
		for row.Kind() == reflect.Pointer || row.Kind() == reflect.Interface {
			row = row.Elem()
		}
		if row.Type() != f.rowType {
			return "", xerrors.Errorf("table row is %s, want %s", row.Type(), f.rowType)
		}
		cells := make([]string, len(columns))
		for j, c := range columns {
			cells[j] = formatCell(fieldByIndex(row, c.index))
		}
		rows = append(rows, cells)
		if f.sortColumn != "" {
			sortKeys = append(sortKeys, formatCell(fieldByIndex(row, f.column(f.sortColumn).index)))
		}
	}
	if f.sortColumn != "" {
		order := make([]int, len(rows))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return sortKeys[order[a]] < sortKeys[order[b]] })
		sorted := make([][]string, len(rows))
		for i, o := range order {
			sorted[i] = rows[o]
		}
		rows = sorted
	}

	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = strings.ToUpper(c.name)
	}
	return renderTable(ctx, headers, rows), nil
}

// fieldByIndex follows index through nested structs; a nil pointer on the
// way yields an invalid value, shown as an empty cell.
func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 {
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return reflect.Value{}
				}
				v = v.Elem()
			}
		}
		v = v.Field(x)
	}
	return v
}

func formatCell(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(time.RFC3339)
	case time.Duration:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
		parts := make([]string, v.Len())
		for i := range v.Len() {
			parts[i] = formatCell(v.Index(i))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v.Interface())
}

// renderTable aligns cells in columns two spaces apart, like Coder's tables,
// with no borders so that the output stays easy to grep and cut.
func renderTable(ctx context.Context, headers []string, rows [][]string) string {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(cells []string, header bool) {
		var l strings.Builder
		for i, c := range cells {
			pad := ""
			if i < len(cells)-1 {
				pad = strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2)
			}
			if header {
				c = Bold(ctx, c)
			}
			l.WriteString(c + pad)
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteString("\n")
	}
	line(headers, true)
	for _, r := range rows {
		line(r, false)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
