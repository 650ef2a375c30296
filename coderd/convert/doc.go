// Package convert turns database rows into the codersdk types the API
// writes. Its functions are pure: no database, no context, no clock (the
// caller passes "now" where it matters), so they are tested with plain
// values. Code that must fetch more rows before converting is a loader and
// lives with the handlers (coderd's load* functions), calling these.
//
// A converter returns an error only when a column the server itself wrote
// does not decode and guessing would show something false (parameter
// options, preset values, resource metadata, an audit diff); each
// converter's comment says which default it uses otherwise.
package convert
