// Package searchquery parses the search language of the q= parameter of list
// endpoints, as in GET /api/v2/users?q=status:active+role:owner+alice.
//
// A query is a sequence of terms separated by white space. A term is either
// key:value, or free text (no ':' outside quotes). Double quotes group text
// containing spaces or colons, anywhere in a term: name:"Jane Doe",
// "a:b". Inside quotes, \" and \\ stand for " and \. Keys are
// case-insensitive; the value is everything after the first ':' outside
// quotes, so created_after:2024-01-02T15:04:05Z needs no quoting.
//
// Problems are reported as ValidationErrors so the HTTP layer can answer 400
// with one validation per problem: Field is "q" for syntax errors and the key
// for a bad key or value.
package searchquery

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidationError describes one problem with a query; it maps onto
// codersdk.ValidationError.
type ValidationError struct {
	Field  string
	Detail string
}

// Term is one element of a query. Key is "" for free text; otherwise it is
// lower-cased. Value has its quotes removed.
type Term struct {
	Key   string
	Value string
}

// Parse splits query into terms. Terms are returned in query order, with
// repeated keys kept; what repetition means is up to the caller. All syntax
// errors found are returned (with Field "q"), together with the terms that
// did parse.
func Parse(query string) ([]Term, []ValidationError) {
	var (
		terms []Term
		errs  []ValidationError
	)
	for i := 0; i < len(query); {
		r, size := utf8.DecodeRuneInString(query[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		term, next, err := scanTerm(query, i)
		i = next
		if err != "" {
			errs = append(errs, ValidationError{
				Field:  "q",
				Detail: fmt.Sprintf("Query element %q %s.", query[start:next], err),
			})
			continue
		}
		if term.Key == "" && term.Value == "" {
			continue // a bare "" adds nothing
		}
		terms = append(terms, term)
	}
	return terms, errs
}

// scanTerm reads the term starting at query[i] up to the next white space
// outside quotes. It returns the term, the index after it, and a description
// of what is wrong with it ("" if nothing).
func scanTerm(query string, i int) (Term, int, string) {
	var (
		buf       strings.Builder
		key       string
		haveKey   bool // a ':' outside quotes was seen
		keyQuoted bool // the key contained quotes
		inQuote   bool
		quoted    bool // the text since the ':' (or the start) contained quotes
		sawText   bool // any text, quoted or not, since the ':' (or the start)
	)
	for i < len(query) {
		r, size := utf8.DecodeRuneInString(query[i:])
		switch {
		case inQuote && r == '\\' && i+size < len(query) && (query[i+size] == '"' || query[i+size] == '\\'):
			buf.WriteByte(query[i+size])
			i += size + 1
			continue
		case inQuote && r == '"':
			inQuote = false
		case inQuote:
			buf.WriteRune(r)
		case r == '"':
			inQuote, quoted, sawText = true, true, true
		case unicode.IsSpace(r):
			return finishTerm(key, haveKey, keyQuoted, buf.String(), sawText, i)
		case r == ':' && !haveKey:
			key, haveKey, keyQuoted = buf.String(), true, quoted
			buf.Reset()
			quoted, sawText = false, false
		default:
			buf.WriteRune(r)
			sawText = true
		}
		i += size
	}
	if inQuote {
		return Term{}, i, "has an unterminated quote"
	}
	return finishTerm(key, haveKey, keyQuoted, buf.String(), sawText, i)
}

func finishTerm(key string, haveKey, keyQuoted bool, value string, sawValue bool, end int) (Term, int, string) {
	if !haveKey {
		return Term{Value: value}, end, ""
	}
	if key == "" && !keyQuoted {
		return Term{}, end, "cannot start with ':'"
	}
	if key == "" {
		return Term{}, end, "has an empty key"
	}
	if !sawValue {
		return Term{}, end, "needs a value after ':'"
	}
	if value == "" {
		return Term{}, end, "has an empty value"
	}
	return Term{Key: strings.ToLower(key), Value: value}, end, ""
}
