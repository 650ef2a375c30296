package database_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
	"github.com/stretchr/testify/assert"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/database"
)

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	// A real failed connect: nothing listens on a port we just closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	_, connectErr := pgx.Connect(context.Background(), "postgres://u:p@"+addr+"/db?connect_timeout=5")

	for name, err := range map[string]error{
		"connect refused":      connectErr,
		"wrapped connect":      xerrors.Errorf("get user: %w", connectErr),
		"admin shutdown":       &pgconn.PgError{Code: "57P01"},
		"crash shutdown":       &pgconn.PgError{Code: "57P02"},
		"cannot connect now":   &pgconn.PgError{Code: "57P03"},
		"connection exception": &pgconn.PgError{Code: "08006"},
		"closed pool":          xerrors.Errorf("acquire: %w", puddle.ErrClosedPool),
		"reset":                &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		"died mid-read":        xerrors.Errorf("receive message: %w", io.ErrUnexpectedEOF),
	} {
		assert.True(t, database.IsUnavailable(err), "%s: %v", name, err)
	}
	for name, err := range map[string]error{
		"nil":              nil,
		"no rows":          database.ErrNoRows,
		"unique violation": &pgconn.PgError{Code: "23505"},
		"bad encoding":     &pgconn.PgError{Code: "22021"},
		"query canceled":   &pgconn.PgError{Code: "57014"},
		"plain":            errors.New("boom"),
		"context":          context.Canceled,
	} {
		assert.False(t, database.IsUnavailable(err), "%s: %v", name, err)
	}
}
