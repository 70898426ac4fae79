# Sourced by scripts/test when CI=true or EXESERVER_FUZZ=1: builds the libFuzzer harnesses in fuzz/ (preset
# `fuzz`: clang 14, ASan + UBSan; build/fuzz is reused between runs) and runs each for
# EXESERVER_FUZZ_SECONDS (default 60), two at a time, starting from the committed seeds in fuzz/corpus.
# A crash, a sanitizer report or a broken property fails scripts/test; the input that caused it is left in
# build/fuzz/crashes/ (see fuzz/README.md for turning it into a regression test).
if [[ "${CI:-}" == "true" || "${EXESERVER_FUZZ:-}" == "1" ]]; then
    fuzz_started=$SECONDS
    fuzz_seconds="${EXESERVER_FUZZ_SECONDS:-60}"
    [[ -f build/fuzz/CMakeCache.txt ]] || cmake --preset fuzz >/dev/null || {
        echo "scripts/test.d/40-fuzz.sh: configuring the fuzz build failed (is clang-14 installed?)" >&2
        exit 1
    }
    cmake --build --preset fuzz >/dev/null || {
        echo "scripts/test.d/40-fuzz.sh: building the fuzzers failed" >&2
        exit 1
    }
    mkdir -p build/fuzz/crashes build/fuzz/logs
    fuzz_failed=()
    fuzz_run() {
        local name="$1"
        mkdir -p "build/fuzz/corpus/$name"
        # The first corpus directory collects what the run finds; the committed seeds are only read.
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            "build/fuzz/fuzz/fuzz_$name" "build/fuzz/corpus/$name" "fuzz/corpus/$name" \
            -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="build/fuzz/crashes/$name-" >"build/fuzz/logs/$name.log" 2>&1
    }
    fuzz_pids=()
    fuzz_pid_names=()
    fuzz_names=(httprequestparser webhooksignature eventnormalizer condition triggerfile)
    for fuzz_name in "${fuzz_names[@]}"; do
        # Two at a time: the CI machine has two cores.
        if ((${#fuzz_pids[@]} >= 2)); then
            wait "${fuzz_pids[0]}" || fuzz_failed+=("${fuzz_pid_names[0]}")
            fuzz_pids=("${fuzz_pids[@]:1}")
            fuzz_pid_names=("${fuzz_pid_names[@]:1}")
        fi
        fuzz_run "$fuzz_name" &
        fuzz_pids+=($!)
        fuzz_pid_names+=("$fuzz_name")
    done
    for i in "${!fuzz_pids[@]}"; do
        wait "${fuzz_pids[i]}" || fuzz_failed+=("${fuzz_pid_names[i]}")
    done
    for fuzz_name in "${fuzz_names[@]}"; do
        echo "scripts/test.d/40-fuzz.sh: fuzz_$fuzz_name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' \
            "build/fuzz/logs/$fuzz_name.log" | grep -o '[0-9]*$' || echo '?') runs in ${fuzz_seconds} s"
    done
    if ((${#fuzz_failed[@]} > 0)); then
        for fuzz_name in "${fuzz_failed[@]}"; do
            echo "scripts/test.d/40-fuzz.sh: fuzz_$fuzz_name failed; the end of its log:" >&2
            tail -n 40 "build/fuzz/logs/$fuzz_name.log" >&2
        done
        echo "scripts/test.d/40-fuzz.sh: inputs that fail are in build/fuzz/crashes/" >&2
        exit 1
    fi
    echo "scripts/test.d/40-fuzz.sh: no crashes ($((SECONDS - fuzz_started)) s)"
    unset -f fuzz_run
    unset fuzz_started fuzz_seconds fuzz_failed fuzz_pids fuzz_pid_names fuzz_names fuzz_name i
fi
