package provisioner_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

func i32(v int32) *int32   { return &v }
func str(v string) *string { return &v }

func TestValidateParameterValue(t *testing.T) {
	t.Parallel()

	region := provisioner.RichParameter{
		Name: "region", Type: "string", DefaultValue: "us",
		Options: []provisioner.RichParameterOption{{Name: "US", Value: "us"}, {Name: "EU", Value: "eu"}},
	}
	disk := provisioner.RichParameter{
		Name: "disk", Type: "number", DefaultValue: "10",
		ValidationMin: i32(5), ValidationMax: i32(100), ValidationMonotonic: "increasing",
	}
	lives := provisioner.RichParameter{
		Name: "lives", Type: "number", DefaultValue: "9", ValidationMonotonic: "decreasing",
	}
	greeting := provisioner.RichParameter{
		Name: "greeting", Type: "string", Required: true,
		ValidationRegex: "^Hello", ValidationError: "must start with Hello",
	}
	tools := provisioner.RichParameter{
		Name: "tools", Type: "list(string)", DefaultValue: `["git"]`,
		Options: []provisioner.RichParameterOption{{Name: "Git", Value: "git"}, {Name: "Go", Value: "go"}},
	}

	tests := []struct {
		name     string
		param    provisioner.RichParameter
		value    string
		previous *string
		wantErr  string // substring; empty means valid
	}{
		{name: "StringAnything", param: provisioner.RichParameter{Name: "s"}, value: "anything goes"},
		{name: "EmptyUsesDefault", param: region, value: ""},
		{name: "OptionMatch", param: region, value: "eu"},
		{name: "OptionMismatch", param: region, value: "asia", wantErr: `must be one of the options: "us", "eu"`},
		{name: "RequiredMissing", param: greeting, value: "", wantErr: "a value is required"},
		{name: "RegexMatch", param: greeting, value: "Hello world"},
		{name: "RegexMismatch", param: greeting, value: "Bye", wantErr: "must start with Hello"},
		{name: "RegexNoErrorText", param: provisioner.RichParameter{Name: "r", ValidationRegex: "^a+$"}, value: "b", wantErr: `does not match "^a+$"`},
		{name: "BadRegex", param: provisioner.RichParameter{Name: "r", ValidationRegex: "(", ValidationError: "x"}, value: "b", wantErr: "invalid validation regex"},
		{name: "NumberOK", param: disk, value: "50"},
		{name: "NumberDecimal", param: disk, value: "50.5"},
		{name: "NumberNotNumber", param: disk, value: "fifty", wantErr: "is not a number"},
		{name: "NumberHexRejected", param: disk, value: "0x10", wantErr: "is not a number"},
		{name: "NumberNaNRejected", param: disk, value: "NaN", wantErr: "is not a number"},
		{name: "NumberBelowMin", param: disk, value: "4", wantErr: "less than the minimum 5"},
		{name: "NumberAboveMax", param: disk, value: "101", wantErr: "more than the maximum 100"},
		{name: "NumberAtBounds", param: disk, value: "100"},
		{name: "NumberNegative", param: provisioner.RichParameter{Name: "n", Type: "number", DefaultValue: "0", ValidationMin: i32(-3), ValidationMax: i32(0)}, value: "-2"},
		{name: "CustomRangeError", param: provisioner.RichParameter{Name: "n", Type: "number", DefaultValue: "1", ValidationMin: i32(1), ValidationMax: i32(3), ValidationError: "between {min} and {max}, got {value}"}, value: "7", wantErr: "between 1 and 3, got 7"},
		{name: "IncreasingOK", param: disk, value: "20", previous: str("20")},
		{name: "IncreasingUp", param: disk, value: "30", previous: str("20")},
		{name: "IncreasingDown", param: disk, value: "10", previous: str("20"), wantErr: "equal to or greater than the previous value 20"},
		{name: "IncreasingNoPrevious", param: disk, value: "10"},
		{name: "IncreasingEmptyPrevious", param: disk, value: "10", previous: str("")},
		{name: "IncreasingNonNumericPrevious", param: disk, value: "10", previous: str("abc")},
		{name: "DecreasingDown", param: lives, value: "8", previous: str("9")},
		{name: "DecreasingUp", param: lives, value: "10", previous: str("9"), wantErr: "equal to or lower than the previous value 9"},
		{name: "BoolTrue", param: provisioner.RichParameter{Name: "b", Type: "bool", DefaultValue: "false"}, value: "true"},
		{name: "BoolBad", param: provisioner.RichParameter{Name: "b", Type: "bool", DefaultValue: "false"}, value: "yes", wantErr: "is not a bool"},
		{name: "BoolDefault", param: provisioner.RichParameter{Name: "b", Type: "bool", DefaultValue: "false"}, value: ""},
		{name: "ListOK", param: provisioner.RichParameter{Name: "l", Type: "list(string)", DefaultValue: "[]"}, value: `["a","b"]`},
		{name: "ListEmpty", param: provisioner.RichParameter{Name: "l", Type: "list(string)", DefaultValue: "[]"}, value: `[]`},
		{name: "ListNotJSON", param: provisioner.RichParameter{Name: "l", Type: "list(string)", DefaultValue: "[]"}, value: `a,b`, wantErr: "is not a list of strings"},
		{name: "ListOfNumbers", param: provisioner.RichParameter{Name: "l", Type: "list(string)", DefaultValue: "[]"}, value: `[1,2]`, wantErr: "is not a list of strings"},
		{name: "ListNull", param: provisioner.RichParameter{Name: "l", Type: "list(string)", DefaultValue: "[]"}, value: `null`, wantErr: "is not a list of strings"},
		{name: "MultiSelectOK", param: tools, value: `["git","go"]`},
		{name: "MultiSelectBad", param: tools, value: `["git","rust"]`, wantErr: `value "rust" must be one of the options`},
		{name: "UnknownType", param: provisioner.RichParameter{Name: "x", Type: "map"}, value: "a", wantErr: "unsupported type"},
		{name: "TooLong", param: provisioner.RichParameter{Name: "s"}, value: strings.Repeat("a", provisioner.MaxParameterValueLength+1), wantErr: "too long"},
		{name: "MaxLength", param: provisioner.RichParameter{Name: "s"}, value: strings.Repeat("a", provisioner.MaxParameterValueLength)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := provisioner.ValidateParameterValue(tc.param, tc.value, tc.previous)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			var pe *provisioner.ParameterError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tc.param.Name, pe.Name)
			assert.Contains(t, err.Error(), `parameter "`+tc.param.Name+`"`)
		})
	}
}

func TestResolveParameterValue(t *testing.T) {
	t.Parallel()

	mutable := provisioner.RichParameter{Name: "m", DefaultValue: "def", Mutable: true}
	immutable := provisioner.RichParameter{Name: "i", DefaultValue: "def"}
	ephemeral := provisioner.RichParameter{Name: "e", DefaultValue: "def", Mutable: true, Ephemeral: true}
	required := provisioner.RichParameter{Name: "r", Required: true, Mutable: true}
	increasing := provisioner.RichParameter{Name: "n", Type: "number", DefaultValue: "1", Mutable: true, ValidationMonotonic: "increasing"}

	tests := []struct {
		name               string
		param              provisioner.RichParameter
		provided, previous *string
		want               string
		wantErr            string
	}{
		{name: "Default", param: mutable, want: "def"},
		{name: "Provided", param: mutable, provided: str("new"), previous: str("old"), want: "new"},
		{name: "Previous", param: mutable, previous: str("old"), want: "old"},
		{name: "ProvidedEmptyMeansDefault", param: mutable, provided: str(""), want: "def"},
		{name: "ImmutableSame", param: immutable, provided: str("old"), previous: str("old"), want: "old"},
		{name: "ImmutableChanged", param: immutable, provided: str("new"), previous: str("old"), wantErr: "immutable"},
		{name: "ImmutableFirstBuild", param: immutable, provided: str("new"), want: "new"},
		{name: "EphemeralIgnoresPrevious", param: ephemeral, previous: str("old"), want: "def"},
		{name: "RequiredMissing", param: required, wantErr: "a value is required"},
		{name: "RequiredFromPrevious", param: required, previous: str("old"), want: "old"},
		{name: "MonotonicAgainstPrevious", param: increasing, provided: str("1"), previous: str("5"), wantErr: "greater than the previous value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := provisioner.ResolveParameterValue(tc.param, tc.provided, tc.previous)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestValidateParameter(t *testing.T) {
	t.Parallel()

	opts := func(values ...string) []provisioner.RichParameterOption {
		var out []provisioner.RichParameterOption
		for _, v := range values {
			out = append(out, provisioner.RichParameterOption{Name: "opt " + v, Value: v})
		}
		return out
	}
	tests := []struct {
		name    string
		param   provisioner.RichParameter
		wantErr string
	}{
		{name: "Minimal", param: provisioner.RichParameter{Name: "a"}},
		{name: "NoName", param: provisioner.RichParameter{}, wantErr: "a name is required"},
		{name: "BadType", param: provisioner.RichParameter{Name: "a", Type: "map(string)"}, wantErr: "unsupported type"},
		{name: "RequiredWithDefault", param: provisioner.RichParameter{Name: "a", Required: true, DefaultValue: "x"}, wantErr: "cannot have a default"},
		{name: "EphemeralImmutable", param: provisioner.RichParameter{Name: "a", Ephemeral: true}, wantErr: "must be mutable"},
		{name: "Options", param: provisioner.RichParameter{Name: "a", DefaultValue: "x", Options: opts("x", "y")}},
		{name: "DefaultNotOption", param: provisioner.RichParameter{Name: "a", DefaultValue: "z", Options: opts("x", "y")}, wantErr: "default value: value must be one of the options"},
		{name: "DuplicateOptionValue", param: provisioner.RichParameter{Name: "a", Required: true, Options: []provisioner.RichParameterOption{{Name: "1", Value: "x"}, {Name: "2", Value: "x"}}}, wantErr: "same value"},
		{name: "DuplicateOptionName", param: provisioner.RichParameter{Name: "a", Required: true, Options: []provisioner.RichParameterOption{{Name: "1", Value: "x"}, {Name: "1", Value: "y"}}}, wantErr: "same name"},
		{name: "NumberOptionNotNumber", param: provisioner.RichParameter{Name: "a", Type: "number", Required: true, Options: opts("1", "two")}, wantErr: "is not a number"},
		{name: "OptionsWithRules", param: provisioner.RichParameter{Name: "a", Type: "number", Required: true, Options: opts("1"), ValidationMin: i32(0)}, wantErr: "cannot be combined"},
		{name: "TooManyOptions", param: provisioner.RichParameter{Name: "a", Required: true, Options: func() []provisioner.RichParameterOption {
			var o []provisioner.RichParameterOption
			for i := range 65 {
				o = append(o, provisioner.RichParameterOption{Name: strings.Repeat("n", i+1), Value: strings.Repeat("v", i+1)})
			}
			return o
		}()}, wantErr: "too many options"},
		{name: "ListOptions", param: provisioner.RichParameter{Name: "a", Type: "list(string)", DefaultValue: `["x"]`, Options: opts("x", "y")}},
		{name: "RegexOnNumber", param: provisioner.RichParameter{Name: "a", Type: "number", DefaultValue: "1", ValidationRegex: "1", ValidationError: "e"}, wantErr: "regex cannot be specified for a number"},
		{name: "RegexWithoutError", param: provisioner.RichParameter{Name: "a", Required: true, ValidationRegex: "^a"}, wantErr: "error message must be specified"},
		{name: "RegexInvalid", param: provisioner.RichParameter{Name: "a", Required: true, ValidationRegex: "(", ValidationError: "e"}, wantErr: "invalid validation regex"},
		{name: "MinOnString", param: provisioner.RichParameter{Name: "a", Required: true, ValidationMin: i32(1)}, wantErr: "min or max cannot be specified"},
		{name: "MonotonicOnBool", param: provisioner.RichParameter{Name: "a", Type: "bool", DefaultValue: "true", ValidationMonotonic: "increasing"}, wantErr: "monotonic validation cannot"},
		{name: "MonotonicBad", param: provisioner.RichParameter{Name: "a", Type: "number", DefaultValue: "1", ValidationMonotonic: "sideways"}, wantErr: "must be"},
		{name: "MinAboveMax", param: provisioner.RichParameter{Name: "a", Type: "number", DefaultValue: "1", ValidationMin: i32(5), ValidationMax: i32(1)}, wantErr: "greater than the maximum"},
		{name: "DefaultOutOfRange", param: provisioner.RichParameter{Name: "a", Type: "number", DefaultValue: "10", ValidationMin: i32(1), ValidationMax: i32(5)}, wantErr: "default value: value 10 is more than the maximum 5"},
		{name: "NumberWithoutDefault", param: provisioner.RichParameter{Name: "a", Type: "number"}, wantErr: "is not a number"},
		{name: "RequiredNumber", param: provisioner.RichParameter{Name: "a", Type: "number", Required: true, ValidationMin: i32(1), ValidationMax: i32(5)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := provisioner.ValidateParameter(tc.param)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestValidateVariableValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v       provisioner.Variable
		value   string
		wantErr string
	}{
		{v: provisioner.Variable{Name: "a"}, value: "x"},
		{v: provisioner.Variable{Name: "a", Type: "number"}, value: "3"},
		{v: provisioner.Variable{Name: "a", Type: "number"}, value: "three", wantErr: "not a number"},
		{v: provisioner.Variable{Name: "a", Type: "bool"}, value: "true"},
		{v: provisioner.Variable{Name: "a", Type: "bool"}, value: "1", wantErr: "not a bool"},
		{v: provisioner.Variable{Name: "a", Type: "list(string)"}, value: "[]", wantErr: "unsupported type"},
	}
	for _, tc := range tests {
		err := provisioner.ValidateVariableValue(tc.v, tc.value)
		if tc.wantErr == "" {
			assert.NoError(t, err, "%s=%q", tc.v.Type, tc.value)
			continue
		}
		assert.ErrorContains(t, err, tc.wantErr)
	}
}

func TestFailure(t *testing.T) {
	t.Parallel()

	var err error = &provisioner.Failure{Message: "missing variables: a", Code: provisioner.ErrorCodeRequiredTemplateVariables}
	assert.Equal(t, "REQUIRED_TEMPLATE_VARIABLES: missing variables: a", err.Error())
	wrapped := xerrors.Errorf("run job: %w", err)
	f, ok := provisioner.AsFailure(wrapped)
	require.True(t, ok)
	assert.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, f.Code)

	_, ok = provisioner.AsFailure(context.Canceled)
	assert.False(t, ok)
	assert.Equal(t, "plain", (&provisioner.Failure{Message: "plain"}).Error())
}

func TestEnums(t *testing.T) {
	t.Parallel()
	assert.True(t, provisioner.TransitionStart.Valid())
	assert.True(t, provisioner.TransitionDelete.Valid())
	assert.False(t, provisioner.Transition("destroy").Valid())
	assert.True(t, provisioner.LogLevelWarn.Valid())
	assert.False(t, provisioner.LogLevel("warning").Valid())
	assert.Equal(t, provisioner.DisplayApps{VSCode: true, WebTerminal: true, SSHHelper: true, PortForwardingHelper: true}, provisioner.DefaultDisplayApps())
}
