# Entry points. `make demo` and `make test` do all set-up on a fresh Debian machine.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all build deps demo test test-sanitize bench-iptables bench-netsh bench-paloalto clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The demo deployment blocks some flows on purpose, so flowgap's exit code 1 is expected here.
demo: build
	@echo "== flowgap audit fixtures/demo/deployment.yaml"
	@./$(BUILD)/flowgap audit fixtures/demo/deployment.yaml; rc=$$?; \
	  echo "== exit code $$rc (0: all required flows allowed, 1: some are not, 2: bad input)"; \
	  test $$rc -le 1

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	@$(MAKE) --no-print-directory test BUILD=build-sanitize \
	  CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DFLOWGAP_SANITIZE=ON $(CMAKE_FLAGS)"

# Benchmarks (docs/performance.md): a generated 200,000-rule dump audited end to end.
bench-iptables: build
	@./$(BUILD)/bench/bench_iptables 200000 3

# A generated 20,000-rule verbose netsh dump in UTF-16LE, parsed and audited.
bench-netsh: build
	@./$(BUILD)/bench/bench_netsh 20000 3

# A generated PAN-OS export (100,000 rules, 50,000 objects): parse + audit against pugixml alone.
bench-paloalto: build
	@./$(BUILD)/bench/bench_paloalto 100000 50000 5

clean:
	rm -rf build build-sanitize
