package proccpu_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/devplane/devplane/scripts/internal/proccpu"
)

func TestOfCountsThisProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	before := proccpu.Of(os.Getpid())
	busyBefore, ok := proccpu.MachineBusy()
	if !ok {
		t.Fatal("MachineBusy could not read /proc/stat")
	}
	// Spin until the kernel has charged this process a few clock ticks.
	var after proccpu.Times
	for after.Own-before.Own < 50*time.Millisecond {
		x := 0
		for i := range 10_000_000 {
			x += i
		}
		_ = x
		after = proccpu.Of(os.Getpid())
	}
	if after.Tree < after.Own {
		t.Fatalf("tree time %v is less than the process's own %v", after.Tree, after.Own)
	}
	busyAfter, _ := proccpu.MachineBusy()
	if busyAfter-busyBefore < after.Own-before.Own-10*time.Millisecond {
		t.Fatalf("machine busy grew by %v, less than this process's %v", busyAfter-busyBefore, after.Own-before.Own)
	}
}
