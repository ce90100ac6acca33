package bindings

var tokensFuncs = []Func{
	{Name: "fly.tokens.authenticate", Doc: "Verify a token and return what it grants.",
		Params:  []Param{bodyParam("authenticateTokenRequest", false, "header")},
		Returns: ret("tokens", "fly.root.VerifiedToken[]", "the verified tokens"),
		Ops:     []string{"POST /v1/tokens/authenticate"}},
	{Name: "fly.tokens.authorize", Doc: "Check a token's access.",
		Params:  []Param{bodyParam("authorizeTokenRequest", false, "the access to check")},
		Returns: ret("result", "fly.authorizeResponse", "{access, verified_token}"),
		Ops:     []string{"POST /v1/tokens/authorize"}},
	{Name: "fly.tokens.current", Doc: "Describe the token in use.",
		unwrap:  "tokens",
		Returns: ret("tokens", "fly.main.tokenInfo[]", "what the token is"),
		Ops:     []string{"GET /v1/tokens/current"}},
	{Name: "fly.tokens.kms", Doc: "Request a KMS token.",
		Returns: ret("token", "string", "the token"),
		Ops:     []string{"POST /v1/tokens/kms"}},
	{Name: "fly.tokens.oidc", Doc: "Request an OIDC token (a JWT).",
		Params:  []Param{bodyParam("CreateOIDCTokenRequest", false, "aud, aws_principal_tags")},
		Returns: ret("token", "string", "the JWT"),
		Ops:     []string{"POST /v1/tokens/oidc"}},
}
