// Package apidoc embeds the OpenAPI document that `make gen` generates from
// the swag annotations on the handlers. Do not edit swagger.json by hand.
package apidoc

import _ "embed"

// SwaggerJSON is the generated Swagger 2.0 document of /api/v2.
//
//go:embed swagger.json
var SwaggerJSON []byte
