#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser a user can feed gapmap (the targets in fuzz/fuzz_targets/, described in
# fuzz/README.md). Builds them with libFuzzer on the stable toolchain and runs each, one after another on one core,
# for ${FUZZ_SECONDS:-30} seconds from a temporary copy of its committed corpus (fuzz/corpus/<target>/).
#
# Exits non-zero on a build failure or on any crash, timeout (-timeout=10 s per input) or out-of-memory
# (-rss_limit_mb=2048), printing the reproducer's path and the command that replays it. Reproducers are kept in
# fuzz/artifacts/<target>/ (ignored by git). Usage: bash tests/fuzz.sh [target…]   (default: every target)
#
# Needs only the stable Rust toolchain and a C++ compiler (libfuzzer-sys compiles libFuzzer from its own sources).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-30}
if (($# > 0)); then
    targets=("$@")
else
    targets=()
    for file in fuzz_targets/*.rs; do
        targets+=("$(basename "$file" .rs)")
    done
fi

if ! command -v c++ >/dev/null; then
    echo "fuzz: a C++ compiler (c++) is needed to build libFuzzer: apt-get install g++" >&2
    exit 1
fi

# The instrumentation cargo-fuzz adds, minus the nightly-only sanitizer: SanitizerCoverage edge counters and
# comparison tracing for libFuzzer, plus the checks a fuzzer should trip on. Building for an explicit --target keeps
# these flags off build scripts and proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
export RUST_BACKTRACE=1
started=$SECONDS
bins=()
for target in "${targets[@]}"; do
    bins+=(--bin "$target")
done
if ! cargo build --locked --release --target "$host" "${bins[@]}"; then
    echo "fuzz: FAILED to build the fuzz targets" >&2
    exit 1
fi
echo "fuzz: built ${#targets[@]} target(s) in $((SECONDS - started)) s"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
    corpus="$scratch/$target"
    artifacts="artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    if [[ -d corpus/$target ]]; then
        cp -R "corpus/$target/." "$corpus/"
    fi
    log="$scratch/$target.log"
    binary="target/$host/release/$target"
    echo "fuzz: $target for ${seconds} s from $(find "$corpus" -type f | wc -l) corpus input(s)"
    status=0
    "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done [0-9]+ runs' "$log" | sed "s/^/fuzz: $target: /" || true
    reproducer=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log" | tail -1)
    if ((status != 0)) || [[ -n $reproducer ]]; then
        failed+=("$target")
        echo "fuzz: FAILED $target (exit $status); the end of its log:" >&2
        tail -n 60 "$log" >&2
        if [[ -n $reproducer ]]; then
            echo "fuzz: reproducer: fuzz/$reproducer" >&2
            echo "fuzz: replay it: (cd fuzz && $binary $reproducer)" >&2
        fi
    fi
done

echo "fuzz: ${#targets[@]} target(s) built and run in $((SECONDS - started)) s"
if ((${#failed[@]} > 0)); then
    echo "fuzz: FAILED: ${failed[*]}" >&2
fi
# The plain summary line CI reads: one target passes when its run ends with no crash, timeout or out-of-memory.
echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
