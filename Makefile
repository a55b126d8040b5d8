# The front door. `make demo` and `make test` work on a fresh machine that reaches the package
# registries: they create .venv, install the project, and (for tests) Debian's Chromium.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo test lint format bench browser documents office clean-data install cluster cluster-down

install: $(STAMP) documents

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The web UI's port: make demo PORT=8080. A port already taken is found before anything is built,
# and the demo then takes a free one and prints it.
PORT ?= 8000

demo: $(STAMP) documents
	$(BIN)/cppcc-search demo --port $(PORT)

test: $(STAMP) browser documents office $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Debian packages the tests need, installed as root or through sudo.
APT_INSTALL = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser build);
# a CJK font makes Chinese text readable in their screenshots.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wenquanyi; } || { \
	  $(APT_INSTALL) chromium fonts-wqy-microhei; }

# axe-core, which the accessibility tests load into Chromium pages: the version package-lock.json
# pins, from npm (Debian's npm when there is none).
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(APT_INSTALL) npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Word 97-2003 (.doc) attachments are read with Debian's antiword (catdoc as a second try).
documents:
	@{ command -v antiword && command -v catdoc; } >/dev/null 2>&1 || { \
	  $(APT_INSTALL) antiword catdoc; }

# The attachment tests write .doc files with LibreOffice (headless, no GUI packages).
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  $(APT_INSTALL) --no-install-recommends libreoffice-writer-nogui; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/bench_crawl.py
	$(BIN)/python bench/bench_hosts.py
	$(BIN)/python bench/extraction_gate.py
	$(BIN)/python bench/section_kinds.py
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_build.py
	$(BIN)/cppcc-search demo --build-only
	$(BIN)/python bench/bench_web.py --data-dir index_data

clean-data:
	find index_data -mindepth 1 ! -name README.md -exec rm -rf {} +

# A local SolrCloud on loopback for tests and trials (docs/operations.md): ZooKeeper and 2 Solr
# nodes, each its own process, built once from Maven Central into ~/.m2 (or MAVEN_REPO).
CLUSTER_DIR ?= index_data/cluster
CLUSTER_NODES ?= 2
CLUSTER_HEAP ?= 768m
MAVEN_REPO ?=
CLUSTER_BUILT := cluster/target/.built
CLUSTER_LAUNCHER = java -cp cluster/target/cluster-0.1.0.jar:$$(cat cluster/target/classpath.txt) \
	cppcc.cluster.Launcher

$(CLUSTER_BUILT): cluster/pom.xml $(wildcard cluster/src/main/java/cppcc/cluster/*.java)
	mvn -q -B $(if $(MAVEN_REPO),-Dmaven.repo.local=$(MAVEN_REPO)) -f cluster/pom.xml package
	touch $@

cluster: $(CLUSTER_BUILT)
	$(CLUSTER_LAUNCHER) start --dir $(CLUSTER_DIR) --nodes $(CLUSTER_NODES) --heap $(CLUSTER_HEAP)

cluster-down: $(CLUSTER_BUILT)
	$(CLUSTER_LAUNCHER) stop --dir $(CLUSTER_DIR)
