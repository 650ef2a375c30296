// Package proccpu reads CPU time from /proc for the load generators, which
// run on a shared machine and report how much CPU the server, its
// PostgreSQL and everything else used during a run. Linux only; elsewhere
// every reading is unknown.
package proccpu

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, 100 on every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

// MachineBusy is the busy time of all cores so far (/proc/stat), and false
// when it cannot be read.
func MachineBusy() (time.Duration, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0, false
	}
	var busy int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, false
		}
		// user nice system idle iowait irq softirq steal ...: idle and
		// iowait are not busy; guest time is already counted in user.
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		busy += n
	}
	return time.Duration(busy) * clockTick, true
}

// Times is the CPU time of one process and of its tree.
type Times struct {
	// Own is the process's own user and system time.
	Own time.Duration
	// Tree adds its descendants and the children they have reaped.
	Tree time.Duration
}

// Of reads the CPU times of root and its tree.
func Of(root int) Times {
	type proc struct {
		ppid        int
		own, reaped int64
	}
	procs := map[int]proc{}
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			continue // it exited
		}
		// The command name may hold spaces; fields start after its ')'.
		s := string(data)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < 0 {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
		if err != nil {
			continue
		}
		// f[0] is the state, f[1] the parent; utime, stime, cutime and
		// cstime are f[11] to f[14].
		f := strings.Fields(s[end+1:])
		if len(f) < 15 {
			continue
		}
		n := func(i int) int64 { v, _ := strconv.ParseInt(f[i], 10, 64); return v }
		ppid, _ := strconv.Atoi(f[1])
		procs[pid] = proc{ppid: ppid, own: n(11) + n(12), reaped: n(13) + n(14)}
	}
	inTree := func(pid int) bool {
		for depth := 0; pid > 1 && depth < 64; depth++ {
			if pid == root {
				return true
			}
			pid = procs[pid].ppid
		}
		return false
	}
	var tree int64
	for pid, p := range procs {
		if inTree(pid) {
			tree += p.own + p.reaped
		}
	}
	return Times{Own: time.Duration(procs[root].own) * clockTick, Tree: time.Duration(tree) * clockTick}
}
