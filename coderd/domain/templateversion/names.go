package templateversion

import (
	"fmt"
	"math/rand/v2"
	"regexp"

	"github.com/google/uuid"
)

// Template version names allow what Coder's do: letters and digits, with
// single '_', '.' or '-' between them.
var nameRegex = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[_.-][a-zA-Z0-9]+)*$`)

// Bounds on a version's name and message.
const (
	MaxNameLength    = 64
	MaxMessageLength = 1 << 20
)

// NameProblem explains why name cannot name a version, or returns "".
func NameProblem(name string) string {
	switch {
	case len(name) > MaxNameLength:
		return fmt.Sprintf("must be at most %d characters", MaxNameLength)
	case !nameRegex.MatchString(name):
		return `must be letters and digits with single "_", "." or "-" between them (e.g. "v1.2-beta")`
	}
	return ""
}

// MessageProblem explains why message cannot be a version's message, or
// returns "".
func MessageProblem(message string) string {
	if len(message) > MaxMessageLength {
		return fmt.Sprintf("must be at most %d bytes", MaxMessageLength)
	}
	return ""
}

// Words for generated version names: "brave_turing3".
var (
	nameAdjectives = []string{
		"agile", "amber", "bold", "brave", "bright", "calm", "clever", "cosmic", "crisp", "eager",
		"fancy", "gentle", "happy", "jolly", "keen", "kind", "lively", "lucid", "merry", "nimble",
		"noble", "plucky", "proud", "quick", "quiet", "rapid", "serene", "sharp", "shiny", "silent",
		"snappy", "steady", "sunny", "swift", "tidy", "upbeat", "vivid", "witty", "zany", "zen",
	}
	nameScientists = []string{
		"babbage", "bardeen", "bohr", "curie", "darwin", "dijkstra", "einstein", "euler", "faraday", "fermi",
		"feynman", "franklin", "galileo", "gauss", "goodall", "hamilton", "hopper", "hypatia", "johnson", "kepler",
		"knuth", "lamarr", "lovelace", "maxwell", "meitner", "mendel", "newton", "noether", "pascal", "planck",
		"ritchie", "sagan", "shannon", "somerville", "tesla", "thompson", "turing", "volta", "wilson", "wozniak",
	}
)

// FriendlyName generates a name such as "brave_turing3".
func FriendlyName() string {
	//nolint:gosec // Names need variety, not secrecy.
	return fmt.Sprintf("%s_%s%d", nameAdjectives[rand.IntN(len(nameAdjectives))],
		nameScientists[rand.IntN(len(nameScientists))], rand.IntN(10))
}

// JobTags completes the tags a job is enqueued with, as Coder
// does: without a scope a job is the organization's; a user-scoped job
// belongs to its initiator; an organization-scoped job has no owner.
func JobTags(in map[string]string, initiator uuid.UUID) map[string]string {
	tags := make(map[string]string, len(in)+1)
	for k, v := range in {
		tags[k] = v
	}
	if tags["scope"] == "" {
		tags["scope"] = "organization"
	}
	switch tags["scope"] {
	case "user":
		tags["owner"] = initiator.String()
	case "organization":
		delete(tags, "owner")
	}
	return tags
}
