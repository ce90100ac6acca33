// Package bench holds flyscript's side-by-side benchmarks (issue 8): each
// measurement of a flyscript layer runs next to the alternative it is judged
// against, in one test binary, so that one command produces every figure of
// BENCHMARKS.md:
//
//	scripts/bench.sh            # every measurement, paired runs, summary
//	go test ./internal/bench -run '^$' -bench . -benchtime 1x   # a quick look
//
// The benchmarks are ordinary testing.B functions; nothing here asserts a
// time. Each pair is one Benchmark with sub-benchmarks named after the
// implementation (impl=client, impl=nethttp, ...), so that benchstat's
// -col /impl puts them side by side and cmd/benchpairs computes the ratio of
// each round of a paired run.
//
// The package's only test (TestStartupDoesNotDecodeDocument) checks that the
// start-up path of `flyscript -e ""` never decodes the embedded OpenAPI
// document.
package bench
