package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The machine is shared: other work slows every number here. cpuSample
// tells how much CPU everything else used during a run, as machine-wide
// busy time (/proc/stat) minus the time of this process and its children
// (the private PostgreSQL and its backends). Linux only; elsewhere the
// sample is empty and the figure unknown.
type cpuSample struct {
	ok          bool
	machineBusy time.Duration
	tree        time.Duration
}

// clockTick is USER_HZ, 100 on every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

func sampleCPU() cpuSample {
	busy, ok := machineBusy()
	if !ok {
		return cpuSample{}
	}
	return cpuSample{ok: true, machineBusy: busy, tree: treeTime(os.Getpid())}
}

// othersCores is the average number of cores others kept busy between a
// and b, or -1 when unknown.
func othersCores(a, b cpuSample, elapsed time.Duration) float64 {
	if !a.ok || !b.ok || elapsed <= 0 {
		return -1
	}
	others := (b.machineBusy - a.machineBusy) - (b.tree - a.tree)
	return max(0, others.Seconds()/elapsed.Seconds())
}

func machineBusy() (time.Duration, bool) {
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

// treeTime is the CPU time of root and its descendants, with that of
// children they have already reaped.
func treeTime(root int) time.Duration {
	entries, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0
	}
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := map[int]proc{}
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			continue // it exited
		}
		// The command name may hold spaces; fields start after its ')'.
		s := string(data)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:strings.IndexByte(s, '(')]))
		if err != nil {
			continue
		}
		f := strings.Fields(s[end+1:])
		// f[0] is the state, f[1] the parent; utime, stime, cutime and
		// cstime are f[11] to f[14].
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var ticks int64
		for _, v := range f[11:15] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
		procs[pid] = proc{ppid: ppid, ticks: ticks}
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
	var total int64
	for pid, p := range procs {
		if inTree(pid) {
			total += p.ticks
		}
	}
	return time.Duration(total) * clockTick
}
