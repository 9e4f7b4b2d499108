# promokit — make setup | demo | test | lab | bench   (each sets up what it needs first)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROMOKIT := $(VENV)/bin/promokit
ASSETS ?= assets
OUTPUT ?= output
JOBS ?= 2
# JupyterLab's settings shipped with the project (a monospace font with full Vietnamese coverage for code and output)
LAB_SETTINGS_DIR := $(VENV)/share/jupyter/lab/settings
LAB_PORT ?= 8888
# The sample campaign chuyen-doi-so has a moviepy shot (shots/dem-so.py): campaign code runs only when allowed.
# The targets below allow it on the command line (the shipped brand.yml keeps allow_code off, so
# `promokit run` typed by hand refuses a campaign folder's code unless asked). CODE= turns it off.
CODE ?= --allow-code

.PHONY: setup system system-test demo render samples check test test-fast lint lab bench clean

setup: system $(VENV)/.installed $(LAB_SETTINGS_DIR)/overrides.json

$(LAB_SETTINGS_DIR)/overrides.json: jupyter/overrides.json $(VENV)/.installed
	@mkdir -p $(dir $@) && cp $< $@

system:
	@bash scripts/setup-system.sh runtime

system-test:
	@bash scripts/setup-system.sh test

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q -e '.[dev]'
	# a kernel spec inside the venv so Papermill and JupyterLab run notebooks with this Python
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (promokit)" >/dev/null
	@touch $@

samples: setup
	$(PY) scripts/make_samples.py --assets $(ASSETS)

check: samples
	$(PROMOKIT) check --assets $(ASSETS) $(CODE)

# the demo renders posters, publications and radio bulletins in full, and the videos as quick drafts (output/<id>/video/draft/);
# `make render` renders everything in full (final videos for every platform take several minutes per campaign)
demo: samples
	$(PROMOKIT) check --assets $(ASSETS) $(CODE)
	$(PROMOKIT) run --assets $(ASSETS) --output $(OUTPUT) --notebook infographic --notebook e_publication --notebook radio_bulletin $(CODE)
	$(PROMOKIT) run --assets $(ASSETS) --output $(OUTPUT) --notebook promo_video --draft $(CODE)
	$(PROMOKIT) publish --assets $(ASSETS) --output $(OUTPUT) --draft --no-approval
	$(PY) scripts/report_demo.py --root demo-year
	@echo "Trang duyệt / review page: $(OUTPUT)/index.html — mở bằng trình duyệt / open it in a browser (xdg-open $(OUTPUT)/index.html)"
	@echo "Duyệt và phê duyệt / review and approve: $(PROMOKIT) serve --output $(OUTPUT)   → http://127.0.0.1:8765/"
	@echo "Liên kết cho người duyệt bên ngoài / a link for an outside reviewer: $(PROMOKIT) review --link <id> --output $(OUTPUT)"

render: samples
	$(PROMOKIT) run --assets $(ASSETS) --output $(OUTPUT) $(CODE)

test: setup system-test lint
	$(PY) -m pytest -n $(JOBS) -q

test-fast: setup
	$(PY) -m pytest -n $(JOBS) -q -m "not slow"

lint: setup
	$(VENV)/bin/ruff check lib tests bench scripts
	$(VENV)/bin/lint-imports

# JupyterLab at the project root: notebooks, campaign folders and outputs in the file browser; error links and
# /files/ addresses resolve against it (PROMOKIT_LAB_ROOT). Root (uid 0, e.g. a container) needs --allow-root.
lab: samples
	PROMOKIT_LAB_ROOT="$(CURDIR)" PROMOKIT_ALLOW_CODE=$(if $(CODE),1,0) $(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --port=$(LAB_PORT) \
		--ServerApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

bench: samples
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(OUTPUT) .pytest_cache .ruff_cache
