# The BOH suite's commands. `make test` is the one test command (CI runs exactly it).
PYTHON ?= python3

.PHONY: test test-pure test-odoo bench lint demo

test:  ## both tiers, benchmarks at their small size
	$(PYTHON) scripts/run_tests.py

test-pure:
	$(PYTHON) scripts/run_tests.py --tier pure

test-odoo:
	$(PYTHON) scripts/run_tests.py --tier odoo

bench:  ## every benchmark at full size, each printing its ratio against its baseline
	$(PYTHON) scripts/run_tests.py --bench-size full --tier all

lint:  ## ruff and pylint-odoo, as OCA's repository template configures them
	$(PYTHON) scripts/lint.py

demo:  ## create (first time) and serve the boh_demo database at http://localhost:8069
	scripts/boh-serve
