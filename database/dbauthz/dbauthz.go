// Package dbauthz wraps a database.Store so that every query is authorized
// for the actor in the request context. Handlers only ever see this wrapper;
// the raw store is reachable only through the named system actors below.
//
// Each method follows one of four patterns:
//   - fetch: run the query, then check read on the row it returned;
//   - act: check the action on the object the arguments describe, then run;
//   - fetch-then-act: load the row to learn its owner, check, then run;
//   - filter: pass the actor's rbac.Filter into the SQL so that rows the
//     actor may not read never leave PostgreSQL.
package dbauthz

import (
	"context"
	"errors"
	"time"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

type actorKey struct{}

// As returns ctx carrying actor; queries through dbauthz run as that actor.
func As(ctx context.Context, actor *rbac.PreparedSubject) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the actor of ctx.
func ActorFromContext(ctx context.Context) (*rbac.PreparedSubject, bool) {
	a, ok := ctx.Value(actorKey{}).(*rbac.PreparedSubject)
	return a, ok && a != nil
}

// NotAuthorizedError is returned when the actor may not run a query. The
// HTTP layer answers 404 for it where the actor may not see the object and
// 403 where it may see but not act.
type NotAuthorizedError struct {
	Err error
}

func (e NotAuthorizedError) Error() string {
	if e.Err == nil {
		return "unauthorized"
	}
	return "unauthorized: " + e.Err.Error()
}

func (e NotAuthorizedError) Unwrap() error { return e.Err }

// IsNotAuthorizedError reports whether err (or a wrapped error) is one.
func IsNotAuthorizedError(err error) bool {
	return errors.As(err, &NotAuthorizedError{})
}

var errNoActor = NotAuthorizedError{Err: errors.New("no authorization actor in context")}

// Authorizer decides. The real one asks the prepared subject; the coverage
// test swaps in one that records every question.
type Authorizer interface {
	Authorize(ctx context.Context, actor *rbac.PreparedSubject, action rbac.Action, object rbac.Object) error
	Filter(ctx context.Context, actor *rbac.PreparedSubject, action rbac.Action, resourceType string) rbac.Filter
}

// RBACAuthorizer is the production Authorizer.
type RBACAuthorizer struct{}

func (RBACAuthorizer) Authorize(_ context.Context, actor *rbac.PreparedSubject, action rbac.Action, object rbac.Object) error {
	return actor.Authorize(action, object)
}

func (RBACAuthorizer) Filter(_ context.Context, actor *rbac.PreparedSubject, action rbac.Action, resourceType string) rbac.Filter {
	return actor.Filter(action, resourceType)
}

type querier struct {
	db   database.Store
	auth Authorizer
}

var _ database.Store = (*querier)(nil)

// New wraps db. Wrapping an already wrapped store returns it unchanged.
func New(db database.Store, auth Authorizer) database.Store {
	if q, ok := db.(*querier); ok {
		return q
	}
	if auth == nil {
		auth = RBACAuthorizer{}
	}
	return &querier{db: db, auth: auth}
}

func (q *querier) authorize(ctx context.Context, action rbac.Action, object rbac.Object) error {
	actor, ok := ActorFromContext(ctx)
	if !ok {
		return errNoActor
	}
	if err := q.auth.Authorize(ctx, actor, action, object); err != nil {
		return NotAuthorizedError{Err: err}
	}
	return nil
}

func (q *querier) filter(ctx context.Context, action rbac.Action, resourceType string) (rbac.Filter, error) {
	actor, ok := ActorFromContext(ctx)
	if !ok {
		return rbac.Filter{}, errNoActor
	}
	return q.auth.Filter(ctx, actor, action, resourceType), nil
}

// fetch runs a query that returns one row and checks that the actor may read
// it. Rows the actor may not read are reported as NotAuthorizedError, never
// returned.
func fetch[T rbac.Objecter](ctx context.Context, q *querier, run func() (T, error)) (T, error) {
	var zero T
	if _, ok := ActorFromContext(ctx); !ok {
		return zero, errNoActor
	}
	row, err := run()
	if err != nil {
		return zero, err
	}
	if err := q.authorize(ctx, rbac.ActionRead, row.RBACObject()); err != nil {
		return zero, err
	}
	return row, nil
}

// act checks action on object, then runs the query.
func act[T any](ctx context.Context, q *querier, action rbac.Action, object rbac.Object, run func() (T, error)) (T, error) {
	var zero T
	if err := q.authorize(ctx, action, object); err != nil {
		return zero, err
	}
	return run()
}

// actExec is act for queries without a result.
func actExec(ctx context.Context, q *querier, action rbac.Action, object rbac.Object, run func() error) error {
	if err := q.authorize(ctx, action, object); err != nil {
		return err
	}
	return run()
}

func (q *querier) InTx(ctx context.Context, fn func(database.Store) error, opts *database.TxOptions) error {
	return q.db.InTx(ctx, func(tx database.Store) error {
		return fn(&querier{db: tx, auth: q.auth})
	}, opts)
}

// Ping reveals nothing but reachability; health checks run it unauthenticated.
func (q *querier) Ping(ctx context.Context) (time.Duration, error) {
	return q.db.Ping(ctx)
}
