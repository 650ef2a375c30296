package rbac

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/google/uuid"
)

// ErrUnauthorized is what every denial unwraps to.
var ErrUnauthorized = errors.New("unauthorized")

// IsUnauthorized reports whether err is, or wraps, a denial.
func IsUnauthorized(err error) bool {
	return errors.Is(err, ErrUnauthorized)
}

// UnauthorizedError is a denial by Authorize. It names the subject, the
// action and the object type; it unwraps to ErrUnauthorized.
//
// Denials do not allocate: each PreparedSubject builds, on its first
// denial, one table with an error for every (type, action) pair that
// Resources defines, and returns pointers into it. Only pairs outside the
// registry (unknown types or actions, which are programming errors) get a
// freshly allocated error. The values are shared: do not modify them.
type UnauthorizedError struct {
	subject *subjectInfo
	pair    *typeAction
}

type subjectInfo struct {
	id   uuid.UUID
	name string
}

type typeAction struct {
	typ    string
	action Action
}

func (e *UnauthorizedError) Error() string {
	return fmt.Sprintf("unauthorized: subject %q (%s) may not %s %s",
		e.subject.name, e.subject.id, e.pair.action, e.pair.typ)
}

func (e *UnauthorizedError) Unwrap() error { return ErrUnauthorized }

// SubjectID is the ID of the subject that was denied.
func (e *UnauthorizedError) SubjectID() uuid.UUID { return e.subject.id }

// SubjectName is the friendly name of the subject that was denied.
func (e *UnauthorizedError) SubjectName() string { return e.subject.name }

// Action is the action that was denied.
func (e *UnauthorizedError) Action() Action { return e.pair.action }

// ObjectType is the type of the object the action was denied on.
func (e *UnauthorizedError) ObjectType() string { return e.pair.typ }

// pairs holds every defined (type, action); pairIndex maps
// type*len(allActions)+action to an index into pairs, or -1.
var pairs, pairIndex = buildPairs()

func buildPairs() ([]typeAction, []int16) {
	idx := make([]int16, len(resourceTable)*len(allActions))
	var out []typeAction
	for t, r := range resourceTable {
		for a, act := range allActions {
			i := t*len(allActions) + a
			idx[i] = -1
			if _, ok := r.Actions[act]; ok {
				idx[i] = int16(len(out))
				out = append(out, typeAction{typ: r.Type, action: act})
			}
		}
	}
	return out, idx
}

// denied returns the subject's error for (type index, action index).
func (p *PreparedSubject) denied(ti, ai uint8) error {
	i := pairIndex[int(ti)*len(allActions)+int(ai)]
	if i < 0 {
		return &UnauthorizedError{subject: &p.info, pair: &typeAction{typ: resourceTable[ti].Type, action: allActions[ai]}}
	}
	tbl := p.errs.Load()
	if tbl == nil {
		tbl = p.buildErrors()
	}
	return &(*tbl)[i]
}

func (p *PreparedSubject) buildErrors() *[]UnauthorizedError {
	tbl := make([]UnauthorizedError, len(pairs))
	for i := range pairs {
		tbl[i] = UnauthorizedError{subject: &p.info, pair: &pairs[i]}
	}
	if p.errs.CompareAndSwap(nil, &tbl) {
		return &tbl
	}
	return p.errs.Load()
}

// errTable is the lazily built table of a PreparedSubject.
type errTable = atomic.Pointer[[]UnauthorizedError]
