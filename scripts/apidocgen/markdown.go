package main

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// statusMeaning renders the Meaning column of the responses table.
func statusMeaning(code string) string {
	if code == "default" {
		return "Default"
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return code
	}
	text := http.StatusText(n)
	if text == "" {
		return code
	}
	if ref, ok := statusRFC[n]; ok {
		return "[" + text + "](https://tools.ietf.org/html/" + ref + ")"
	}
	return text
}

// statusRFC maps status codes to the RFC section that defines them.
var statusRFC = map[int]string{
	100: "rfc7231#section-6.2.1",
	101: "rfc7231#section-6.2.2",
	200: "rfc7231#section-6.3.1",
	201: "rfc7231#section-6.3.2",
	202: "rfc7231#section-6.3.3",
	203: "rfc7231#section-6.3.4",
	204: "rfc7231#section-6.3.5",
	205: "rfc7231#section-6.3.6",
	206: "rfc7233#section-4.1",
	300: "rfc7231#section-6.4.1",
	301: "rfc7231#section-6.4.2",
	302: "rfc7231#section-6.4.3",
	303: "rfc7231#section-6.4.4",
	304: "rfc7232#section-4.1",
	307: "rfc7231#section-6.4.7",
	308: "rfc7538#section-3",
	400: "rfc7231#section-6.5.1",
	401: "rfc7235#section-3.1",
	402: "rfc7231#section-6.5.2",
	403: "rfc7231#section-6.5.3",
	404: "rfc7231#section-6.5.4",
	405: "rfc7231#section-6.5.5",
	406: "rfc7231#section-6.5.6",
	407: "rfc7235#section-3.2",
	408: "rfc7231#section-6.5.7",
	409: "rfc7231#section-6.5.8",
	410: "rfc7231#section-6.5.9",
	411: "rfc7231#section-6.5.10",
	412: "rfc7232#section-4.2",
	413: "rfc7231#section-6.5.11",
	414: "rfc7231#section-6.5.12",
	415: "rfc7231#section-6.5.13",
	416: "rfc7233#section-4.4",
	417: "rfc7231#section-6.5.14",
	422: "rfc2518#section-10.3",
	426: "rfc7231#section-6.5.15",
	428: "rfc6585#section-3",
	429: "rfc6585#section-4",
	431: "rfc6585#section-5",
	500: "rfc7231#section-6.6.1",
	501: "rfc7231#section-6.6.2",
	502: "rfc7231#section-6.6.3",
	503: "rfc7231#section-6.6.4",
	504: "rfc7231#section-6.6.5",
	505: "rfc7231#section-6.6.6",
	511: "rfc6585#section-6",
}

// anchor returns the heading anchor GitHub-style renderers give a heading:
// lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
// "codersdk.BuildInfoResponse" becomes "codersdkbuildinforesponse".
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// slugify turns a name into a file-name and id friendly slug: lower case,
// runs of anything but letters and digits become a single '-'.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// table renders a Markdown table with padded columns.
func table(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	cell := func(s string) string {
		s = oneLine(s)
		return strings.ReplaceAll(s, "|", `\|`)
	}
	all := make([][]string, 0, len(rows)+1)
	all = append(all, header)
	for _, r := range rows {
		cells := make([]string, len(header))
		for i := range header {
			if i < len(r) {
				cells[i] = cell(r[i])
			}
		}
		all = append(all, cells)
	}
	for _, r := range all {
		for i, c := range r {
			if w := utf8.RuneCountInString(c); w > widths[i] {
				widths[i] = w
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteByte('|')
		for i, c := range cells {
			b.WriteByte(' ')
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	line(all[0])
	b.WriteByte('|')
	for _, w := range widths {
		b.WriteString(strings.Repeat("-", w+2))
		b.WriteByte('|')
	}
	b.WriteByte('\n')
	for _, r := range all[1:] {
		line(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
