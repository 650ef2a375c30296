// Package tfprovidertest holds end-to-end tests of how the server's
// Terraform provisioner installs providers: from a network mirror served
// by the test, through the shared plugin cache, and the failure when a
// provider cannot be installed. They run offline: the providers are built
// from source (testdata) and served over loopback.
package tfprovidertest
