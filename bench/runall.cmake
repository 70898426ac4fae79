# Runs each benchmark executable in BENCHMARKS (a list) in turn and writes what they print to OUTPUT,
# one section per benchmark with its exit code and wall time (their stderr goes to OUTPUT.stderr). Invoked by
# the bench_all target.
# Environment variables the benchmarks read (EXESERVER_BENCH_INGEST, EXESERVER_TEST_PG_URL, ...) pass through;
# EXESERVER_BENCH_SKIP="bench_store,bench_poller_idle" leaves the named (long) ones out.
cmake_minimum_required(VERSION 3.24) # script mode: IN_LIST and other current policies
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
cmake_host_system_information(RESULT cpu QUERY PROCESSOR_DESCRIPTION)
cmake_host_system_information(RESULT memory QUERY TOTAL_PHYSICAL_MEMORY)
string(TIMESTAMP started "%Y-%m-%dT%H:%M:%SZ" UTC)
file(WRITE ${OUTPUT}.stderr "")
file(WRITE ${OUTPUT} "# bench_all ${started}\n# machine: ${cores} logical cores, ${cpu}, ${memory} MiB RAM\n")
set(failed)
string(REPLACE "," ";" skip "$ENV{EXESERVER_BENCH_SKIP}")
foreach(bench IN LISTS BENCHMARKS)
    get_filename_component(name ${bench} NAME_WE)
    if(name IN_LIST skip)
        file(APPEND ${OUTPUT} "\n## ${name}: skipped (EXESERVER_BENCH_SKIP)\n")
        continue()
    endif()
    message(STATUS "bench_all: ${name}")
    string(TIMESTAMP begin "%s" UTC)
    execute_process(COMMAND ${bench} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
    string(TIMESTAMP end "%s" UTC)
    math(EXPR seconds "${end} - ${begin}")
    file(APPEND ${OUTPUT} "\n## ${name} (exit ${rc}, ${seconds} s)\n${out}")
    # Log lines go to a second file, so the numbers stay readable.
    file(APPEND ${OUTPUT}.stderr "\n## ${name}\n${err}")
    message(STATUS "bench_all: ${name} exit ${rc} in ${seconds} s")
    if(NOT rc EQUAL 0)
        list(APPEND failed ${name})
    endif()
endforeach()
if(failed)
    message(WARNING "bench_all: these benchmarks exited non-zero: ${failed} (see ${OUTPUT})")
endif()
