package main

import (
	"os"
	"time"

	"github.com/devplane/devplane/scripts/internal/proccpu"
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

func sampleCPU() cpuSample {
	busy, ok := proccpu.MachineBusy()
	if !ok {
		return cpuSample{}
	}
	return cpuSample{ok: true, machineBusy: busy, tree: proccpu.Of(os.Getpid()).Tree}
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
