// Command coder runs the server and, later, the client commands.
package main

import (
	"fmt"
	"os"

	"github.com/devplane/devplane/cli"
)

func main() {
	if err := cli.Root().Invoke().WithOS().Run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
