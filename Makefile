# Build and test kms.xks offline. Every target brings what it needs (make venv first).
#   make test                 everything, as CI runs it (.ci/run)
#   make sanity ARGS='--test pep8'     make units ARGS='-k plan'
#   make integration TARGETS='xks_keystore'
SHELL := /bin/bash
PY := .venv/bin/python
ARGS ?=
TARGETS ?=

.PHONY: venv collection sanity units testbed-tests integration test demo clean

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

demo: collection
	$(PY) tests/integration/run.py --playbook demo/demo.yml $(if $(ARGS),-- $(ARGS))

# Runs every suite even when one fails, then reports; the unit tests come last so that the last
# line printed is pytest's summary.
test: collection
	@failed=""; \
	hack/sanity.sh              || failed+=" sanity"; \
	hack/testbed_tests.sh       || failed+=" testbed-tests"; \
	$(PY) tests/integration/run.py || failed+=" integration"; \
	hack/units.sh               || failed+=" units"; \
	if [[ -n "$$failed" ]]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi

clean:
	rm -rf build .venv tests/output .pytest_cache
