package provisioner

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/xerrors"
)

// MaxParameterValueLength caps a parameter value, in bytes. Values end up
// in the database, in environment variables and in Terraform plans; 16 KiB
// leaves room for a textarea script or a long list while keeping abuse out.
const MaxParameterValueLength = 16 << 10

// maxParameterOptions mirrors the coder provider's limit on option blocks.
const maxParameterOptions = 64

// ParameterError says why a parameter, or a value for it, is invalid.
// Detail is phrased without the parameter name so it can sit next to the
// field in an API validation error.
type ParameterError struct {
	Name   string
	Detail string
}

func (e *ParameterError) Error() string {
	return fmt.Sprintf("parameter %q: %s", e.Name, e.Detail)
}

func paramErr(p RichParameter, format string, args ...any) error {
	return &ParameterError{Name: p.Name, Detail: fmt.Sprintf(format, args...)}
}

// ValidateParameterValue checks value against p's rules, the way upstream
// Coder validates workspace build parameters:
//
//   - an empty value means "not given": it is an error when p is Required
//     and otherwise resolves to p.DefaultValue;
//   - the value is at most MaxParameterValueLength bytes and has p's type:
//     "string", "number" (a decimal number), "bool" ("true" or "false") or
//     "list(string)" (a JSON array of strings);
//   - with options, the value (each item, for a list) must be one of the
//     option values, and no other rule applies;
//   - a string matches ValidationRegex; a number lies within
//     ValidationMin/ValidationMax and, when previous is a prior value,
//     respects ValidationMonotonic ("increasing": not lower than before,
//     "decreasing": not higher).
//
// Mutability is a property of how a value is resolved, not of the value:
// see ResolveParameterValue. The error is a *ParameterError.
func ValidateParameterValue(p RichParameter, value string, previous *string) error {
	if value == "" {
		if p.Required {
			return paramErr(p, "a value is required")
		}
		value = p.DefaultValue
	}
	if len(value) > MaxParameterValueLength {
		return paramErr(p, "value is too long (%d bytes, the maximum is %d)", len(value), MaxParameterValueLength)
	}
	typ := parameterType(p)
	if err := checkValueType(typ, value); err != nil {
		return paramErr(p, "%s", err)
	}

	if len(p.Options) > 0 {
		if typ == ParameterTypeListString {
			var items []string
			_ = json.Unmarshal([]byte(value), &items) // checked by checkValueType
			for _, item := range items {
				if !hasOption(p.Options, item) {
					return paramErr(p, "value %q must be one of the options: %s", item, optionValues(p.Options))
				}
			}
			return nil
		}
		if !hasOption(p.Options, value) {
			return paramErr(p, "value must be one of the options: %s", optionValues(p.Options))
		}
		return nil
	}

	switch typ {
	case ParameterTypeString:
		if p.ValidationRegex == "" {
			return nil
		}
		re, err := regexp.Compile(p.ValidationRegex)
		if err != nil {
			return paramErr(p, "invalid validation regex %q: %s", p.ValidationRegex, err)
		}
		if !re.MatchString(value) {
			if p.ValidationError != "" {
				return paramErr(p, "%s (value %q does not match %q)", p.ValidationError, value, p.ValidationRegex)
			}
			return paramErr(p, "value %q does not match %q", value, p.ValidationRegex)
		}
	case ParameterTypeNumber:
		num, _ := strconv.ParseFloat(value, 64) // checked by checkValueType
		if p.ValidationMin != nil && num < float64(*p.ValidationMin) {
			return paramErr(p, "%s", rangeError(p, value, fmt.Sprintf("value %s is less than the minimum %d", value, *p.ValidationMin)))
		}
		if p.ValidationMax != nil && num > float64(*p.ValidationMax) {
			return paramErr(p, "%s", rangeError(p, value, fmt.Sprintf("value %s is more than the maximum %d", value, *p.ValidationMax)))
		}
		if previous == nil || *previous == "" || checkValueType(ParameterTypeNumber, *previous) != nil {
			// No previous value, or one that is not a number any more
			// (the parameter changed type): nothing to be monotonic
			// against.
			return nil
		}
		prev, _ := strconv.ParseFloat(*previous, 64)
		switch p.ValidationMonotonic {
		case MonotonicIncreasing:
			if num < prev {
				return paramErr(p, "value %s must be equal to or greater than the previous value %s", value, *previous)
			}
		case MonotonicDecreasing:
			if num > prev {
				return paramErr(p, "value %s must be equal to or lower than the previous value %s", value, *previous)
			}
		}
	}
	return nil
}

// rangeError renders ValidationError when the template set one; like the
// coder provider it may refer to {min}, {max} and {value}.
func rangeError(p RichParameter, value, fallback string) string {
	if p.ValidationError == "" {
		return fallback
	}
	r := strings.NewReplacer(
		"{min}", optInt(p.ValidationMin),
		"{max}", optInt(p.ValidationMax),
		"{value}", value,
	)
	return r.Replace(p.ValidationError)
}

func optInt(v *int32) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(int(*v))
}

// ResolveParameterValue picks the value a build uses for p and validates
// it, like upstream's ParameterResolver: the provided value, else the
// previous build's value (unless p is ephemeral), else the default. A nil
// provided means the user gave no value; a nil previous means there was no
// previous build (or it had no value for p). An immutable parameter cannot
// change once a previous value exists.
func ResolveParameterValue(p RichParameter, provided, previous *string) (string, error) {
	if !p.Mutable && provided != nil && previous != nil && *provided != *previous {
		return "", paramErr(p, "the parameter is immutable and cannot be changed after the workspace is created")
	}
	if p.Required && provided == nil && previous == nil {
		return "", paramErr(p, "a value is required")
	}
	var value string
	switch {
	case provided != nil:
		value = *provided
	case previous != nil && !p.Ephemeral:
		value = *previous
	default:
		value = p.DefaultValue
	}
	if err := ValidateParameterValue(p, value, previous); err != nil {
		return "", err
	}
	if value == "" {
		value = p.DefaultValue
	}
	return value, nil
}

// ValidateParameter checks a parameter definition the way the coder
// Terraform provider does when a template is imported: a known type,
// unique options of that type (at most 64, not combined with validation
// rules), rules that fit the type, a default that passes them, and an
// ephemeral parameter must be mutable. The error is a *ParameterError.
func ValidateParameter(p RichParameter) error {
	if strings.TrimSpace(p.Name) == "" {
		return &ParameterError{Name: p.Name, Detail: "a name is required"}
	}
	typ := parameterType(p)
	switch typ {
	case ParameterTypeString, ParameterTypeNumber, ParameterTypeBool, ParameterTypeListString:
	default:
		return paramErr(p, "unsupported type %q (must be one of %q, %q, %q or %q)", p.Type,
			ParameterTypeString, ParameterTypeNumber, ParameterTypeBool, ParameterTypeListString)
	}
	if p.Required && p.DefaultValue != "" {
		return paramErr(p, "a required parameter cannot have a default value")
	}
	if p.Ephemeral && !p.Mutable {
		return paramErr(p, "an ephemeral parameter must be mutable")
	}
	hasRules := p.ValidationRegex != "" || p.ValidationMin != nil || p.ValidationMax != nil || p.ValidationMonotonic != ""

	if len(p.Options) > 0 {
		if len(p.Options) > maxParameterOptions {
			return paramErr(p, "too many options (%d, the maximum is %d)", len(p.Options), maxParameterOptions)
		}
		if hasRules {
			return paramErr(p, "options cannot be combined with validation rules")
		}
		names := make(map[string]bool, len(p.Options))
		values := make(map[string]bool, len(p.Options))
		optionType := typ
		if typ == ParameterTypeListString {
			optionType = ParameterTypeString // each option is one item of the list
		}
		for _, o := range p.Options {
			if names[o.Name] {
				return paramErr(p, "multiple options cannot have the same name %q", o.Name)
			}
			if values[o.Value] {
				return paramErr(p, "multiple options cannot have the same value %q", o.Value)
			}
			names[o.Name], values[o.Value] = true, true
			if err := checkValueType(optionType, o.Value); err != nil {
				return paramErr(p, "option %q: %s", o.Name, err)
			}
		}
	}

	if p.ValidationRegex != "" {
		if typ != ParameterTypeString {
			return paramErr(p, "a regex cannot be specified for a %s parameter", typ)
		}
		if _, err := regexp.Compile(p.ValidationRegex); err != nil {
			return paramErr(p, "invalid validation regex %q: %s", p.ValidationRegex, err)
		}
		if p.ValidationError == "" {
			return paramErr(p, "an error message must be specified with a regex validation")
		}
	}
	if typ != ParameterTypeNumber {
		if p.ValidationMin != nil || p.ValidationMax != nil {
			return paramErr(p, "a min or max cannot be specified for a %s parameter", typ)
		}
		if p.ValidationMonotonic != "" {
			return paramErr(p, "monotonic validation cannot be specified for a %s parameter", typ)
		}
	}
	if p.ValidationMin != nil && p.ValidationMax != nil && *p.ValidationMin > *p.ValidationMax {
		return paramErr(p, "the minimum %d is greater than the maximum %d", *p.ValidationMin, *p.ValidationMax)
	}
	switch p.ValidationMonotonic {
	case "", MonotonicIncreasing, MonotonicDecreasing:
	default:
		return paramErr(p, "monotonic validation must be %q or %q", MonotonicIncreasing, MonotonicDecreasing)
	}

	if !p.Required {
		if err := ValidateParameterValue(p, p.DefaultValue, nil); err != nil {
			var pe *ParameterError
			if xerrors.As(err, &pe) {
				return paramErr(p, "default value: %s", pe.Detail)
			}
			return err
		}
	}
	return nil
}

// ValidateVariableValue checks a template variable value against its type
// ("string", "number" or "bool"; empty means "string").
func ValidateVariableValue(v Variable, value string) error {
	typ := v.Type
	if typ == "" {
		typ = ParameterTypeString
	}
	switch typ {
	case ParameterTypeString, ParameterTypeNumber, ParameterTypeBool:
	default:
		return xerrors.Errorf("variable %q: unsupported type %q (must be %q, %q or %q)", v.Name, v.Type,
			ParameterTypeString, ParameterTypeNumber, ParameterTypeBool)
	}
	if err := checkValueType(typ, value); err != nil {
		return xerrors.Errorf("variable %q: %w", v.Name, err)
	}
	return nil
}

func parameterType(p RichParameter) string {
	if p.Type == "" {
		return ParameterTypeString
	}
	return p.Type
}

// decimalNumber is what a "number" parameter accepts: the decimal notation
// Terraform's number type parses, without hex, NaN or infinities.
var decimalNumber = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)

func checkValueType(typ, value string) error {
	switch typ {
	case ParameterTypeString:
		return nil
	case ParameterTypeNumber:
		if !decimalNumber.MatchString(value) {
			return xerrors.Errorf("value %q is not a number", value)
		}
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return xerrors.Errorf("value %q is not a number", value)
		}
		return nil
	case ParameterTypeBool:
		if value != "true" && value != "false" {
			return xerrors.Errorf(`value %q is not a bool (must be "true" or "false")`, value)
		}
		return nil
	case ParameterTypeListString:
		var items []string
		if err := json.Unmarshal([]byte(value), &items); err != nil || items == nil {
			return xerrors.Errorf(`value %q is not a list of strings (must be a JSON array such as ["a","b"])`, value)
		}
		return nil
	default:
		return xerrors.Errorf("unsupported type %q", typ)
	}
}

func hasOption(options []RichParameterOption, value string) bool {
	for _, o := range options {
		if o.Value == value {
			return true
		}
	}
	return false
}

func optionValues(options []RichParameterOption) string {
	vals := make([]string, len(options))
	for i, o := range options {
		vals[i] = strconv.Quote(o.Value)
	}
	return strings.Join(vals, ", ")
}
