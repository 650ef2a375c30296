package main

import (
	"time"

	"github.com/devplane/devplane/scripts/internal/proccpu"
)

// cpuSample is the CPU time used so far by the server process alone, by
// its whole process tree (the server and the built-in PostgreSQL) and by
// the whole machine. Linux only; elsewhere it is zero.
type cpuSample struct {
	server, tree, machine time.Duration
}

func sampleCPU(root int) cpuSample {
	busy, _ := proccpu.MachineBusy()
	t := proccpu.Of(root)
	return cpuSample{server: t.Own, tree: t.Tree, machine: busy}
}
