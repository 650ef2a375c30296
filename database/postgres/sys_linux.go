//go:build linux

package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/xerrors"
)

const platformSupported = true

var errWouldBlock = syscall.EWOULDBLOCK

// identity is who runs the PostgreSQL programs.
type identity struct {
	// switchUser is set when this process is root: the programs then run
	// as name/uid/gid, and the directories they use are given to it.
	switchUser bool
	name, home string
	uid, gid   uint32
	groups     []uint32
}

func resolveIdentity(runAs string) (*identity, error) {
	if os.Geteuid() != 0 {
		return &identity{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	if runAs == "" {
		runAs = "postgres"
	}
	u, err := user.Lookup(runAs)
	if err != nil {
		return nil, xerrors.Errorf("PostgreSQL refuses to run as root, and the user %q it would run as cannot be found (%v); create it (`apt-get install postgresql` does) or pass --postgres-url to use an external PostgreSQL database", runAs, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, xerrors.Errorf("user %q: bad uid %q", runAs, u.Uid)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, xerrors.Errorf("user %q: bad gid %q", runAs, u.Gid)
	}
	if uid == 0 {
		return nil, xerrors.Errorf("PostgreSQL refuses to run as root, so the built-in postgres cannot run as %q (uid 0); choose another user", runAs)
	}
	id := &identity{switchUser: true, name: u.Username, home: u.HomeDir, uid: uint32(uid), gid: uint32(gid)}
	if gids, err := u.GroupIds(); err == nil {
		for _, g := range gids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				id.groups = append(id.groups, uint32(n))
			}
		}
	}
	return id, nil
}

// can reports whether the identity has the permission bits want (4 read,
// 2 write, 1 search) on a file, going by its mode (ACLs are not looked at).
func (id *identity) can(st *syscall.Stat_t, want uint32) bool {
	mode := st.Mode & 0o777
	switch {
	case st.Uid == id.uid:
		return (mode>>6)&want == want
	case id.inGroup(st.Gid):
		return (mode>>3)&want == want
	default:
		return mode&want == want
	}
}

func (id *identity) inGroup(gid uint32) bool {
	if gid == id.gid {
		return true
	}
	for _, g := range id.groups {
		if g == gid {
			return true
		}
	}
	return false
}

// prepareDir creates the cluster home and, when running as root, makes sure
// the run-as user can reach it (every directory above it must be searchable
// by that user) and use it (it is given to that user if it cannot).
func prepareDir(dir string, id *identity) error {
	parent := filepath.Dir(dir)
	if id.switchUser {
		// Check before creating anything: a --config-dir under /root
		// must not leave directories behind.
		existing := parent
		for {
			if _, err := os.Stat(existing); err == nil || filepath.Dir(existing) == existing {
				break
			}
			existing = filepath.Dir(existing)
		}
		if err := checkReachable(dir, existing, id); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return xerrors.Errorf("create %s: %w", parent, err)
	}
	if id.switchUser {
		// Again, for the directories just made (the umask applies).
		if err := checkReachable(dir, parent, id); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return xerrors.Errorf("create built-in postgres directory: %w", err)
	}
	if !id.switchUser {
		return nil
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		if err := checkReachable(dir, filepath.Dir(real), id); err != nil {
			return err
		}
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return xerrors.Errorf("stat %s: %w", dir, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return xerrors.Errorf("built-in postgres directory %s is not a directory", dir)
	}
	if id.can(&st, 3) {
		return nil
	}
	if st.Uid != uint32(os.Geteuid()) {
		return xerrors.Errorf("built-in postgres directory %s (owner uid %d, mode %04o) cannot be written by the %q user PostgreSQL runs as; choose another --config-dir or pass --postgres-url",
			dir, st.Uid, st.Mode&0o7777, id.name)
	}
	// Ours (created now, or e.g. an empty temporary directory made for
	// us): hand it over.
	if err := os.Chown(dir, int(id.uid), int(id.gid)); err != nil {
		return xerrors.Errorf("chown built-in postgres directory to %q: %w", id.name, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return xerrors.Errorf("chmod built-in postgres directory: %w", err)
	}
	return nil
}

// checkReachable fails, with an error telling what to do, when a directory on
// the way to dir cannot be searched by the run-as user: /root is 0700, so a
// --config-dir under it cannot hold the built-in postgres.
func checkReachable(dir, parent string, id *identity) error {
	real, err := filepath.EvalSymlinks(parent)
	if err != nil {
		return xerrors.Errorf("resolve %s: %w", parent, err)
	}
	var chain []string
	for p := real; ; p = filepath.Dir(p) {
		chain = append(chain, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		var st syscall.Stat_t
		if err := syscall.Stat(chain[i], &st); err != nil {
			return xerrors.Errorf("stat %s: %w", chain[i], err)
		}
		if !id.can(&st, 1) {
			return xerrors.Errorf("built-in postgres directory %s is unreachable by the %q user PostgreSQL must run as (it refuses to run as root): %s is mode %04o, owned by %s; choose a --config-dir outside it (e.g. under /var/lib or /srv) or pass --postgres-url to use an external PostgreSQL database",
				dir, id.name, chain[i], st.Mode&0o7777, ownerName(st.Uid))
		}
	}
	return nil
}

func ownerName(uid uint32) string {
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		return u.Username
	}
	return fmt.Sprintf("uid %d", uid)
}

func flockExclusive(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func sysProcAttr(id *identity, deathSig syscall.Signal) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{
		// Out of our process group: a ^C in the terminal must not
		// shut postgres down under a server that is still draining.
		Setpgid:   true,
		Pdeathsig: deathSig,
	}
	if id.switchUser {
		attr.Credential = &syscall.Credential{Uid: id.uid, Gid: id.gid, Groups: id.groups}
	}
	return attr
}

// postgresProcsIn lists the postgres processes whose working directory is
// dataDir (postmasters chdir to their data directory; their children inherit
// it). Processes that cannot be inspected are skipped.
func postgresProcsIn(dataDir string) []int {
	real, err := filepath.EvalSymlinks(dataDir)
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cwd, err := os.Readlink("/proc/" + e.Name() + "/cwd")
		if err != nil || cwd != real {
			continue
		}
		exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
		if err != nil {
			continue
		}
		switch filepath.Base(strings.TrimSuffix(exe, " (deleted)")) {
		case "postgres", "postmaster":
			pids = append(pids, pid)
		}
	}
	return pids
}

func killPid(pid int, sig syscall.Signal) { _ = syscall.Kill(pid, sig) }
