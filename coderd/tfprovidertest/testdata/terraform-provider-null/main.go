// Command terraform-provider-null is a small stand-in for hashicorp/null,
// built from source by the tests: hashicorp/null itself cannot be built
// from the Go module proxy (its module path has no /v3 suffix for its v3
// tags). It has the resource templates use most, null_resource, with the
// same schema: triggers that force replacement, and a random id.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: provider})
}

func provider() *schema.Provider {
	return &schema.Provider{
		ResourcesMap: map[string]*schema.Resource{
			"null_resource": nullResource(),
		},
	}
}

func nullResource() *schema.Resource {
	return &schema.Resource{
		CreateContext: func(_ context.Context, d *schema.ResourceData, _ any) diag.Diagnostics {
			var b [8]byte
			if _, err := rand.Read(b[:]); err != nil {
				return diag.FromErr(err)
			}
			d.SetId(hex.EncodeToString(b[:]))
			return nil
		},
		ReadContext:   func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
		DeleteContext: func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
		Schema: map[string]*schema.Schema{
			"triggers": {
				Type:     schema.TypeMap,
				Optional: true,
				ForceNew: true,
				Elem:     &schema.Schema{Type: schema.TypeString},
			},
		},
	}
}
