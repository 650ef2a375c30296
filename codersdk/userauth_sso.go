package codersdk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// ConvertLoginRequest is the body of POST /users/{user}/convert-login: a
// password user switching to single sign-on proves the password once more.
type ConvertLoginRequest struct {
	// ToType is the login type to switch to: "oidc" or "github".
	ToType   LoginType `json:"to_type" validate:"required"`
	Password string    `json:"password" validate:"required"`
}

// OAuthConversionResponse carries the state to take through the provider:
// the dashboard opens the provider's callback with
// ?oidc_merge_state=<state_string> before it expires.
type OAuthConversionResponse struct {
	StateString string    `json:"state_string"`
	ExpiresAt   time.Time `json:"expires_at" format:"date-time"`
	ToType      LoginType `json:"to_type"`
	UserID      uuid.UUID `json:"user_id" format:"uuid"`
}

// ConvertLoginType starts switching user from password to req.ToType.
func (c *Client) ConvertLoginType(ctx context.Context, user string, req ConvertLoginRequest) (OAuthConversionResponse, error) {
	res, err := c.Request(ctx, http.MethodPost, fmt.Sprintf("/api/v2/users/%s/convert-login", user), req)
	if err != nil {
		return OAuthConversionResponse{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return OAuthConversionResponse{}, ReadBodyAsError(res)
	}
	var resp OAuthConversionResponse
	return resp, json.NewDecoder(res.Body).Decode(&resp)
}
