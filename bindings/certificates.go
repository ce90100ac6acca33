package bindings

const certPath = "/v1/apps/{app_name}/certificates/{hostname}"

var hostname = refParam("hostname", "path:hostname", "fly.CertificateDetail", "the certificate's hostname")

var certificatesFuncs = []Func{
	{Name: "fly.certificates.acme_destroy", Doc: "Remove a hostname's ACME certificates.",
		Params: []Param{hostname}, AppScoped: true,
		Returns: ret("certificate", "fly.CertificateDetail", "the certificate"),
		Ops:     []string{"DELETE " + certPath + "/acme"}},
	{Name: "fly.certificates.check", Doc: "Check a hostname's DNS and re-validate its certificate.",
		Params: []Param{hostname}, AppScoped: true,
		Returns: ret("check", "fly.CertificateCheckResponse", "the check"),
		Ops:     []string{"POST " + certPath + "/check"}},
	{Name: "fly.certificates.custom_destroy", Doc: "Remove a hostname's custom certificate.",
		Params: []Param{hostname}, AppScoped: true,
		Returns: ret("certificate", "fly.destroyCustomCertificateResponse", "the certificate"),
		Ops:     []string{"DELETE " + certPath + "/custom"}},
	{Name: "fly.certificates.destroy", Doc: "Remove a hostname and its certificates.",
		Params: []Param{hostname}, AppScoped: true, noValue: true,
		Ops: []string{"DELETE " + certPath}},
	{Name: "fly.certificates.get", Doc: "Get a hostname's certificate details.",
		Params: []Param{hostname}, AppScoped: true,
		Returns: ret("certificate", "fly.CertificateDetail", "the certificate"),
		Ops:     []string{"GET " + certPath}},
	{Name: "fly.certificates.list", Doc: "List the app's certificates (every page unless opts.limit).",
		Params: []Param{optsParam("filter, limit, cursor")}, AppScoped: true,
		opts: optSpec{query: true}, unwrap: "certificates", paging: pageBody,
		Returns: ret("certificates", "fly.CertificateSummary[]", "the certificates"),
		Ops:     []string{"GET /v1/apps/{app_name}/certificates"}},
	{Name: "fly.certificates.request_acme", Doc: "Request an ACME (Let's Encrypt) certificate for a hostname.",
		Params:    []Param{{Name: "hostname", Type: "string", Doc: "the hostname", In: "body:hostname"}},
		AppScoped: true, Returns: ret("certificate", "fly.CertificateDetail", "the certificate"),
		Ops: []string{"POST /v1/apps/{app_name}/certificates/acme"}},
	{Name: "fly.certificates.upload_custom", Doc: "Upload a custom certificate.",
		Params:    []Param{bodyParam("createCustomCertificateRequest", false, "hostname, fullchain, private_key")},
		AppScoped: true, Returns: ret("certificate", "fly.CertificateDetail", "the certificate"),
		Ops: []string{"POST /v1/apps/{app_name}/certificates/custom"}},
}
