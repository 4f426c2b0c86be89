# Build and test kms.xks offline. Every target brings what it needs (make venv first).
#   make test                 everything, as CI runs it (.ci/run)
#   make sanity ARGS='--test pep8'     make units ARGS='-k plan'
#   make integration TARGETS='xks_keystore'
#   make e2e ARGS='-k secret'    fault injection and secret-leak suites (tests/e2e)
SHELL := /bin/bash
PY := .venv/bin/python
ARGS ?=
TARGETS ?=

.PHONY: venv collection sanity units testbed-tests integration guides docs-and-lint e2e test demo clean

venv:
	@hack/venv.sh

# build/ansible_collections/{kms/xks (a copy of the repo), amazon/aws (from the ansible wheel)}
collection: venv
	@hack/amazon_aws.sh
	@$(PY) hack/collection.py

sanity: collection
	hack/sanity.sh $(ARGS)

units: collection
	hack/units.sh $(ARGS)

testbed-tests: venv
	hack/testbed_tests.sh $(ARGS)

integration: collection
	$(PY) tests/integration/run.py $(TARGETS) $(if $(ARGS),-- $(ARGS))

# Module docs up to date, ansible-lint (production), antsibull-docs lint, galaxy-importer, ansible-builder.
docs-and-lint: collection
	hack/docs-and-lint.sh

e2e: collection
	hack/e2e.sh $(ARGS)

demo: collection
	$(PY) tests/integration/run.py --playbook demo/demo.yml $(if $(ARGS),-- $(ARGS))

# Every playbook the docs show, verbatim, against the test bed (tests/integration/guides/).
guides: collection
	$(PY) tests/integration/run.py --guides $(TARGETS) $(if $(ARGS),-- $(ARGS))

# Runs every suite even when one fails, then reports; suites run in parallel lanes, each with its
# own test bed, and their outputs are shown whole, in order; the unit tests come last, so that the
# last line printed is pytest's summary. See hack/test.sh.
test: collection
	@hack/test.sh

clean:
	rm -rf build .venv tests/output .pytest_cache

# API calls, disconnect windows, polling latency and wall time of every scenario against the test bed,
# of xks_key and of the xks_proxy_health audit (proxy calls);
# writes docs/performance.md. Its test bed picks free ports and addresses; takes a few minutes.
.PHONY: benchmark
benchmark: collection
	$(PY) benchmarks/run.py $(ARGS)
	$(PY) benchmarks/keys.py
	$(PY) benchmarks/proxy_audit.py
