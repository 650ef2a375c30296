// Command coder is the one binary: the server and the client commands.
package main

import (
	"fmt"
	"os"

	"github.com/devplane/devplane/cli"
)

func main() {
	// Exit codes scripts can rely on: 0 on success, 1 on any error, with
	// the error on stderr.
	if err := cli.Root().Invoke().WithOS().Run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", cli.PrettyError(err))
		os.Exit(1)
	}
}
