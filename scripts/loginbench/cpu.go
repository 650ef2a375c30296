package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, 100 on every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

// cpuSample is the CPU time used so far by the server process alone, by
// its whole process tree (the server and the built-in PostgreSQL) and by
// the whole machine. Linux only; elsewhere it is zero.
type cpuSample struct {
	server, tree, machine time.Duration
}

func sampleCPU(root int) cpuSample {
	s := cpuSample{machine: machineBusy()}
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	type proc struct {
		ppid        int
		own, reaped int64
	}
	procs := map[int]proc{}
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			continue
		}
		str := string(data)
		open, end := strings.IndexByte(str, '('), strings.LastIndexByte(str, ')')
		if open < 0 || end < 0 {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(str[:open]))
		if err != nil {
			continue
		}
		f := strings.Fields(str[end+1:])
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
	s.server = time.Duration(procs[root].own) * clockTick
	s.tree = time.Duration(tree) * clockTick
	return s
}

// machineBusy is the busy time of all cores (/proc/stat).
func machineBusy() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, f := range fields[1:] {
		// idle and iowait are not busy; guest time is already in user.
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		n, _ := strconv.ParseInt(f, 10, 64)
		busy += n
	}
	return time.Duration(busy) * clockTick
}
