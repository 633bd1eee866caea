# Entry points. `make demo` and `make test` do all set-up on a fresh Debian machine.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all build deps install deb demo test test-sanitize fuzz fuzz-build fuzz-long screenshot bench-iptables bench-netsh bench-paloalto bench-shapes clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The binary, man pages, shell completions, report schemas and docs under PREFIX (DESTDIR, when
# given, is prepended to every path, for staging).
PREFIX ?= /usr/local
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# The Debian package of the same files under /usr: $(BUILD)/flowgap_VERSION_ARCH.deb, its
# dependencies computed by dpkg-shlibdeps. Install it with `apt-get install ./$(BUILD)/flowgap_*.deb`.
deb: build
	@cd $(BUILD) && cpack -G DEB

# The demo deployment blocks some flows on purpose, so flowgap's exit code 1 is expected here.
# The terminal gets the text report; the HTML gap report goes to $(BUILD)/demo-report.html.
demo: build
	@echo "== flowgap audit fixtures/demo/deployment.yaml"
	@./$(BUILD)/flowgap audit fixtures/demo/deployment.yaml --format text --output - \
	  --format html --output $(BUILD)/demo-report.html; rc=$$?; \
	  echo "== exit code $$rc (0: the gate passes, 1: it fails, 2: bad input)"; \
	  test $$rc -le 1 && echo "== HTML gap report: $(abspath $(BUILD))/demo-report.html"

test: build
	@./scripts/install-test-js.sh
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, without the Node report
# tests (schemas, browser): they check the same report files as the first pass; nor the kernel
# oracle: the kernel and Python do not change under the sanitizers; nor the Debian package test:
# users install the release build, which the first pass packages.
test-sanitize:
	@$(MAKE) --no-print-directory test BUILD=build-sanitize \
	  CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DFLOWGAP_SANITIZE=ON -DFLOWGAP_NODE_TESTS=OFF -DFLOWGAP_KERNEL_ORACLE=OFF -DFLOWGAP_DEB_TEST=OFF $(CMAKE_FLAGS)"

# libFuzzer targets (fuzz/, docs/testing.md) in a clang++ configuration of their own: each runs
# FUZZ_SECONDS and any finding fails the run. Only the libraries the targets need are built.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = iptables paloalto_xml paloalto_text netsh_text netsh_json nftables deployment report multipart
fuzz-build: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DFLOWGAP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  $$(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@./fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=3600

# Re-takes docs/demo-report.png, the README's screenshot of the demo's HTML report, and
# docs/serve-page.png, docs/serve.md's screenshot of the upload page after a demo audit.
screenshot: build
	@./scripts/install-test-js.sh
	@FLOWGAP_SCREENSHOT=$(CURDIR)/docs/demo-report.png \
	  bash tests/js/run-reports.sh browser $(CURDIR)/$(BUILD)/flowgap $(CURDIR)
	@FLOWGAP_SCREENSHOT_SERVE=$(CURDIR)/docs/serve-page.png \
	  bash tests/js/run-reports.sh serve $(CURDIR)/$(BUILD)/flowgap $(CURDIR)

# Benchmarks (docs/performance.md): a generated 200,000-rule dump audited end to end.
bench-iptables: build
	@./$(BUILD)/bench/bench_iptables 200000 3

# A generated 20,000-rule verbose netsh dump in UTF-16LE, parsed and audited.
bench-netsh: build
	@./$(BUILD)/bench/bench_netsh 20000 3

# A generated PAN-OS export (100,000 rules, 50,000 objects): parse + audit against pugixml alone.
bench-paloalto: build
	@./$(BUILD)/bench/bench_paloalto 100000 50000 5

# The inputs of other shapes from ../shared/bench (chain-heavy iptables, a generated PAN-OS export).
bench-shapes: build
	@python3 -B tests/bench/shapes.py ./$(BUILD)/flowgap $(CURDIR) 5

clean:
	rm -rf build build-sanitize build-fuzz
