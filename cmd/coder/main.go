// Command coder is the one binary: the server and the client commands.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/devplane/devplane/cli"
)

func main() {
	// Exit codes scripts can rely on: 0 on success, 1 on any error, with
	// the error on stderr.
	if err := cli.Root().Invoke().WithOS().Run(); err != nil {
		// coder ssh and gitssh exit with the remote command's status.
		var exit *cli.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.Code)
		}
		fmt.Fprintln(os.Stderr, "error:", cli.PrettyError(err))
		os.Exit(1)
	}
}
