// Package insights turns recorded sessions (connection_logs) and the agents'
// stats reports into the numbers of Coder's insights API: active users per
// interval, time per way in and per app, time per user.
package insights

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// ConnectionTypes are the session types connlog records.
var ConnectionTypes = []string{"ssh", "reconnecting_pty", "vscode", "jetbrains", "workspace_app", "port_forwarding"}

// Data is what the reports are computed from.
type Data struct {
	Sessions []database.GetInsightsSessionsRow
	Stats    []database.GetInsightsAgentStatsRow
}

// OfType keeps the sessions of one type, and the stats reports that count
// sessions of it (none for types the agent does not count); "" keeps all.
func (d Data) OfType(typ string) Data {
	if typ == "" {
		return d
	}
	out := Data{}
	for _, s := range d.Sessions {
		if s.Type == typ {
			out.Sessions = append(out.Sessions, s)
		}
	}
	for _, st := range d.Stats {
		if statSessions(st, typ) > 0 {
			out.Stats = append(out.Stats, st)
		}
	}
	return out
}

func statSessions(st database.GetInsightsAgentStatsRow, typ string) int64 {
	switch typ {
	case "ssh":
		return st.SessionCountSsh
	case "reconnecting_pty":
		return st.SessionCountReconnectingPty
	case "vscode":
		return st.SessionCountVscode
	case "jetbrains":
		return st.SessionCountJetbrains
	}
	return 0
}

type span struct{ from, to time.Time }

// clip is the part of a session inside [start, end), if any.
func clip(s database.GetInsightsSessionsRow, start, end time.Time) (span, bool) {
	from, to := s.ConnectTime, s.DisconnectTime
	if from.Before(start) {
		from = start
	}
	if to.After(end) {
		to = end
	}
	return span{from, to}, to.After(from) || (s.ConnectTime.Equal(s.DisconnectTime) && !from.Before(start) && from.Before(end))
}

// unionSeconds is the time covered by the spans, overlaps counted once.
func unionSeconds(spans []span) int64 {
	slices.SortFunc(spans, func(a, b span) int { return a.from.Compare(b.from) })
	var total time.Duration
	var cur span
	for i, s := range spans {
		if i == 0 || s.from.After(cur.to) {
			total += cur.to.Sub(cur.from)
			cur = s
			continue
		}
		if s.to.After(cur.to) {
			cur.to = s.to
		}
	}
	total += cur.to.Sub(cur.from)
	return int64(total / time.Second)
}

func sortedIDs(set map[uuid.UUID]bool) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return ids
}

// activity is who used which templates in [start, end).
func activity(d Data, start, end time.Time) (users, templates map[uuid.UUID]bool) {
	users, templates = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for _, s := range d.Sessions {
		if _, ok := clip(s, start, end); ok {
			users[s.UserID], templates[s.TemplateID] = true, true
		}
	}
	for _, st := range d.Stats {
		if !st.CreatedAt.Before(start) && st.CreatedAt.Before(end) {
			users[st.UserID], templates[st.TemplateID] = true, true
		}
	}
	return users, templates
}

// TemplateIDs are the templates with any use in the data.
func TemplateIDs(d Data) []uuid.UUID {
	set := map[uuid.UUID]bool{}
	for _, s := range d.Sessions {
		set[s.TemplateID] = true
	}
	for _, st := range d.Stats {
		set[st.TemplateID] = true
	}
	return sortedIDs(set)
}

// Interval is one interval report.
type Interval struct {
	Start, End  time.Time
	TemplateIDs []uuid.UUID
	ActiveUsers int64
}

// Intervals cuts [start, end) into steps from start, the last one cut at
// end, and counts the distinct users active in each.
func Intervals(d Data, start, end time.Time, step time.Duration) []Interval {
	var out []Interval
	for from := start; from.Before(end); from = from.Add(step) {
		to := from.Add(step)
		if to.After(end) {
			to = end
		}
		users, templates := activity(d, from, to)
		out = append(out, Interval{Start: from, End: to, TemplateIDs: sortedIDs(templates), ActiveUsers: int64(len(users))})
	}
	return out
}

// Day is the number of distinct users on one day.
type Day struct {
	Day   time.Time
	Users int
}

// DailyUsers counts distinct users per day from start (a midnight) to end,
// in start's zone, leaving out days without use.
func DailyUsers(d Data, start, end time.Time) []Day {
	var out []Day
	for from := start; from.Before(end); from = from.AddDate(0, 0, 1) {
		to := from.AddDate(0, 0, 1)
		if users, _ := activity(d, from, to); len(users) > 0 {
			out = append(out, Day{Day: from, Users: len(users)})
		}
	}
	return out
}

// App is the use of one way in: a built-in (SSH, terminal, IDE) or an app.
type App struct {
	Builtin     bool
	TemplateIDs []uuid.UUID
	DisplayName string
	Slug        string
	Icon        string
	Seconds     int64
	TimesUsed   int64
}

// TemplatesReport is the whole-range template report.
type TemplatesReport struct {
	TemplateIDs []uuid.UUID
	ActiveUsers int64
	Apps        []App
}

// builtins are listed always, in upstream's order, with upstream's slugs.
var builtins = []struct{ typ, name, slug, icon string }{
	{"vscode", "Visual Studio Code", "vscode", "/icon/code.svg"},
	{"jetbrains", "JetBrains", "jetbrains", "/icon/intellij.svg"},
	{"reconnecting_pty", "Web Terminal", "reconnecting-pty", "/icon/terminal.svg"},
	{"ssh", "SSH", "ssh", "/icon/terminal.svg"},
}

// Templates computes the report: seconds per way in are each user's
// session time of that kind (overlaps once) summed over users; times used
// counts sessions.
func Templates(d Data, start, end time.Time) TemplatesReport {
	users, templates := activity(d, start, end)
	rep := TemplatesReport{TemplateIDs: sortedIDs(templates), ActiveUsers: int64(len(users))}
	type key struct{ typ, slug string }
	type acc struct {
		spans     map[uuid.UUID][]span
		templates map[uuid.UUID]bool
		times     int64
		name      string
		icon      string
	}
	accs := map[key]*acc{}
	get := func(k key) *acc {
		if accs[k] == nil {
			accs[k] = &acc{spans: map[uuid.UUID][]span{}, templates: map[uuid.UUID]bool{}}
		}
		return accs[k]
	}
	for _, s := range d.Sessions {
		sp, ok := clip(s, start, end)
		if !ok || s.Type == "port_forwarding" {
			continue
		}
		k := key{typ: s.Type}
		if s.Type == "workspace_app" {
			k.slug = s.SlugOrPort
		}
		a := get(k)
		a.spans[s.UserID] = append(a.spans[s.UserID], sp)
		a.templates[s.TemplateID] = true
		a.times++
		if a.name == "" {
			a.name, a.icon = s.AppDisplayName, s.AppIcon
		}
	}
	seconds := func(a *acc) int64 {
		var total int64
		for _, spans := range a.spans {
			total += unionSeconds(spans)
		}
		return total
	}
	for _, b := range builtins {
		app := App{Builtin: true, TemplateIDs: rep.TemplateIDs, DisplayName: b.name, Slug: b.slug, Icon: b.icon}
		if a := accs[key{typ: b.typ}]; a != nil {
			app.Seconds, app.TimesUsed = seconds(a), a.times
		}
		rep.Apps = append(rep.Apps, app)
	}
	var apps []App
	for k, a := range accs {
		if k.typ != "workspace_app" {
			continue
		}
		name := a.name
		if name == "" {
			name = k.slug
		}
		apps = append(apps, App{TemplateIDs: sortedIDs(a.templates), DisplayName: name, Slug: k.slug, Icon: a.icon, Seconds: seconds(a), TimesUsed: a.times})
	}
	slices.SortFunc(apps, func(a, b App) int { return strings.Compare(a.Slug, b.Slug) })
	rep.Apps = append(rep.Apps, apps...)
	return rep
}

// User is one user's time in sessions.
type User struct {
	UserID      uuid.UUID
	Username    string
	AvatarURL   string
	TemplateIDs []uuid.UUID
	Seconds     int64
}

// UserActivity lists the users active in [start, end), most time first;
// a user seen only in the agents' stats has zero seconds.
func UserActivity(d Data, start, end time.Time) []User {
	type acc struct {
		user      User
		spans     []span
		templates map[uuid.UUID]bool
	}
	byUser := map[uuid.UUID]*acc{}
	get := func(id uuid.UUID, name, avatar string) *acc {
		if byUser[id] == nil {
			byUser[id] = &acc{user: User{UserID: id, Username: name, AvatarURL: avatar}, templates: map[uuid.UUID]bool{}}
		}
		return byUser[id]
	}
	for _, s := range d.Sessions {
		if sp, ok := clip(s, start, end); ok {
			a := get(s.UserID, s.Username, s.AvatarUrl)
			a.spans = append(a.spans, sp)
			a.templates[s.TemplateID] = true
		}
	}
	for _, st := range d.Stats {
		if !st.CreatedAt.Before(start) && st.CreatedAt.Before(end) {
			get(st.UserID, st.Username, st.AvatarUrl).templates[st.TemplateID] = true
		}
	}
	out := make([]User, 0, len(byUser))
	for _, a := range byUser {
		a.user.TemplateIDs = sortedIDs(a.templates)
		a.user.Seconds = unionSeconds(a.spans)
		out = append(out, a.user)
	}
	slices.SortFunc(out, func(a, b User) int {
		if a.Seconds != b.Seconds {
			return int(b.Seconds - a.Seconds)
		}
		return strings.Compare(a.Username, b.Username)
	})
	return out
}
