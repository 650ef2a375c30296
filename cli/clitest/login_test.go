package clitest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	// Only a guard against hanging; no test relies on it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestNotLoggedIn(t *testing.T) {
	t.Parallel()
	env := clitest.NewEnv(t)
	res := env.Run(testContext(t), "", "whoami")
	require.Error(t, res.Err)
	assert.Equal(t, "You are not logged in. Try logging in using 'coder login <url>'.", cli.PrettyError(res.Err))
}

func TestSessionFromEnvironment(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	// Scripts set CODER_URL and CODER_SESSION_TOKEN and never log in.
	env := clitest.NewEnv(t)
	env.Vars["CODER_URL"] = client.URL.String()
	env.Vars["CODER_SESSION_TOKEN"] = client.SessionToken()
	res := env.Must(ctx, "whoami")
	assert.Contains(t, res.Stdout, "authenticated as owner")
	assert.False(t, env.Config().Session().Exists())
	// --verbose logs each request on stderr; stdout stays the same.
	verbose := env.Must(ctx, "whoami", "--verbose")
	assert.Equal(t, res.Stdout, verbose.Stdout)
	assert.Contains(t, verbose.Stderr, "GET "+client.URL.String()+"/api/v2/users/me: 200")

	// A revoked token says how to recover.
	env.Vars["CODER_SESSION_TOKEN"] = "abcdefghij-abcdefghijklmnopqrstuvw"
	res = env.Run(ctx, "", "whoami")
	require.Error(t, res.Err)
	assert.Contains(t, cli.PrettyError(res.Err), "coder login <url>")
}

func TestLoginWithToken(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	env := clitest.NewEnv(t)
	res := env.Must(ctx, "login", client.URL.String(), "--token", client.SessionToken())
	assert.Contains(t, res.Stdout, "Welcome to Coder, owner! You're authenticated.")

	// Stored as Coder's CLI stores it, readable by the owner only.
	dirInfo, err := os.Stat(env.ConfigDir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm()&0o700)
	sessionInfo, err := os.Stat(filepath.Join(env.ConfigDir, "session"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), sessionInfo.Mode().Perm())
	storedURL, err := env.Config().URL().Read()
	require.NoError(t, err)
	assert.Equal(t, client.URL.String(), storedURL)
	session, err := env.Config().Session().Read()
	require.NoError(t, err)
	// The CLI made a key of its own, so logging out does not revoke the
	// token the user passed.
	assert.NotEqual(t, client.SessionToken(), session)

	res = env.Must(ctx, "whoami", "-o", "json")
	var rows []struct {
		URL      string `json:"url"`
		Username string `json:"username"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &rows))
	require.Len(t, rows, 1)
	assert.Equal(t, "owner", rows[0].Username)
	assert.Equal(t, client.URL.String(), rows[0].URL)
	res = env.Must(ctx, "whoami")
	assert.Equal(t, "Coder is running at "+client.URL.String()+", You're authenticated as owner !\n", res.Stdout)

	res = env.Must(ctx, "logout", "--yes")
	assert.Contains(t, res.Stdout, "You are no longer logged in.")
	assert.False(t, env.Config().Session().Exists())
	// The key is gone on the server too.
	stale := coderdtest.Anonymous(client)
	stale.SetSessionToken(session)
	_, err = stale.User(ctx, codersdk.Me)
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 401, apiErr.StatusCode())
	// The token given to login still works.
	_, err = client.User(ctx, codersdk.Me)
	require.NoError(t, err)

	// A bad token is refused and nothing is stored.
	res = env.Run(ctx, "", "login", client.URL.String(), "--token", "not-a-token")
	require.Error(t, res.Err)
	assert.False(t, env.Config().Session().Exists())
}

func TestLoginFirstUserFlags(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)

	env := clitest.NewEnv(t)
	env.Must(ctx, "login", client.URL.String(),
		"--first-user-username", "admin",
		"--first-user-email", "admin@example.com",
		"--first-user-password", "a-long-enough-password-1",
		"--first-user-full-name", "Ada Admin",
	)
	res := env.Must(ctx, "whoami", "-o", "table", "-c", "username,roles")
	assert.Contains(t, res.Stdout, "USERNAME")
	assert.Contains(t, res.Stdout, "admin")
	assert.Contains(t, res.Stdout, "owner")
}

// terminal is the user's side of a pseudo-terminal: what the command
// printed so far, and a way to type.
type terminal struct {
	t    *testing.T
	ptmx *os.File
	tty  *os.File // the command's side
	mu   sync.Mutex
	out  strings.Builder
	seen int
}

// newTerminal opens a pseudo-terminal: the user's side, and the file to
// give a command as its stdin, stdout and stderr. startOnTerminal also
// runs the command.
func newTerminal(t *testing.T) (*terminal, *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	term := &terminal{t: t, ptmx: ptmx, tty: tty}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		// End-of-file (Ctrl-D) for a command still waiting for input:
		// closing the files would not interrupt a blocked read, as Go
		// defers the close until the read returns.
		for range 3 {
			_, _ = ptmx.Write([]byte{4})
			time.Sleep(50 * time.Millisecond)
		}
		_ = tty.Close()
		select {
		case <-readerDone:
		case <-time.After(10 * time.Second):
		}
		_ = ptmx.Close()
	})
	return term, tty
}

// startOnTerminal runs `coder args...` in-process on a new pseudo-terminal
// and returns the user's side and the command's result. If the test ends
// first (a failed expect), the command is stopped and waited for before
// the terminal goes away.
func startOnTerminal(t *testing.T, ctx context.Context, env *clitest.Env, args ...string) (*terminal, <-chan error) {
	t.Helper()
	term, tty := newTerminal(t)
	ctx, cancel := context.WithCancel(ctx)
	inv := env.Invocation(args...)
	inv.Stdin, inv.Stdout, inv.Stderr = tty, tty, tty
	result := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		err := inv.WithContext(ctx).Run()
		close(finished)
		result <- err
	}()
	// Runs before newTerminal's cleanup, which closes the terminal.
	t.Cleanup(func() {
		cancel()
		giveUp := time.After(time.Minute)
		for {
			select {
			case <-finished:
				return
			case <-giveUp:
				t.Error("the command did not end after end-of-file on its terminal")
				return
			case <-time.After(50 * time.Millisecond):
				_, _ = term.ptmx.Write([]byte{4})
			}
		}
	})
	return term, result
}

// expect waits until s appears after what earlier expects matched and
// returns the output between them.
func (term *terminal) expect(ctx context.Context, s string) string {
	term.t.Helper()
	for {
		term.mu.Lock()
		all := term.out.String()
		term.mu.Unlock()
		if i := strings.Index(all[term.seen:], s); i >= 0 {
			between := all[term.seen : term.seen+i]
			term.seen += i + len(s)
			return between
		}
		select {
		case <-ctx.Done():
			term.t.Fatalf("waiting for %q; the terminal shows:\n%s", s, all)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// expectSecret is expect for a prompt whose answer is read without echo:
// it also waits until the command has turned the terminal's echo off. The
// prompt is printed just before that, and a line typed in between would be
// echoed by the terminal, as it would be to a user that quick.
func (term *terminal) expectSecret(ctx context.Context, s string) string {
	term.t.Helper()
	between := term.expect(ctx, s)
	rc, err := term.tty.SyscallConn()
	require.NoError(term.t, err)
	for {
		var termios *unix.Termios
		var getErr error
		require.NoError(term.t, rc.Control(func(fd uintptr) {
			termios, getErr = unix.IoctlGetTermios(int(fd), ioctlGetTermios)
		}))
		require.NoError(term.t, getErr)
		if termios.Lflag&unix.ECHO == 0 {
			return between
		}
		select {
		case <-ctx.Done():
			term.t.Fatalf("the terminal's echo stayed on after %q", s)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (term *terminal) typeLine(s string) {
	term.t.Helper()
	_, err := term.ptmx.Write([]byte(s + "\r"))
	require.NoError(term.t, err)
}

func TestLoginPasswordOnTerminal(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	env := clitest.NewEnv(t)
	term, done := startOnTerminal(t, ctx, env, "login", client.URL.String())

	term.expect(ctx, "Email")
	term.typeLine("owner@example.com")
	term.expectSecret(ctx, "Password:")
	term.typeLine(coderdtest.FirstUserPassword)
	echoed := term.expect(ctx, "Welcome to Coder, owner!")
	assert.NotContains(t, echoed, coderdtest.FirstUserPassword, "the password must not be echoed")
	require.NoError(t, <-done)

	res := env.Must(ctx, "whoami")
	assert.Contains(t, res.Stdout, "authenticated as owner")
}

func TestLoginBrowserTokenOnTerminal(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)
	// What the /cli-auth page shows the signed-in user.
	key, err := client.CreateAPIKey(ctx, codersdk.Me)
	require.NoError(t, err)

	env := clitest.NewEnv(t)
	term, done := startOnTerminal(t, ctx, env, "login", client.URL.String(), "--no-open")

	term.expect(ctx, "Email")
	term.typeLine("")
	term.expect(ctx, client.URL.String()+"/cli-auth")
	term.expect(ctx, "Paste your token here:")
	term.typeLine("wrong-token")
	term.expect(ctx, "not a valid token")
	term.typeLine(key.Key)
	term.expect(ctx, "Welcome to Coder, owner!")
	require.NoError(t, <-done)

	session, err := env.Config().Session().Read()
	require.NoError(t, err)
	assert.Equal(t, key.Key, session)
}

func TestLoginFirstUserOnTerminal(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)

	env := clitest.NewEnv(t)
	term, done := startOnTerminal(t, ctx, env, "login", client.URL.String())

	term.expect(ctx, "create the first user?")
	term.typeLine("yes")
	term.expect(ctx, "username")
	term.typeLine("ada")
	term.expect(ctx, "full name")
	term.typeLine("Ada Lovelace")
	term.expect(ctx, "email")
	term.typeLine("ada@example.com")
	term.expect(ctx, "Enter a password:")
	term.typeLine("first-user-password-42")
	term.expect(ctx, "Confirm password:")
	term.typeLine("first-user-password-42")
	term.expect(ctx, "Welcome to Coder, ada!")
	require.NoError(t, <-done)
}

// TestLoginPasswordEndOfInput: Ctrl-D at the password prompt ends the
// command with an error (x/term's ReadPassword would spin forever).
func TestLoginPasswordEndOfInput(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	env := clitest.NewEnv(t)
	term, done := startOnTerminal(t, ctx, env, "login", client.URL.String())
	term.expect(ctx, "Email")
	term.typeLine("owner@example.com")
	term.expect(ctx, "Password:")
	_, err := term.ptmx.Write([]byte{4})
	require.NoError(t, err)
	err = <-done
	require.Error(t, err)
	assert.Contains(t, err.Error(), "login canceled")
	assert.False(t, env.Config().Session().Exists())
}
