# targets_golden.cmake: bench --targets on a CSV made for the purpose must
# print CASE.expected exactly (each line worked out by hand from CASE.csv:
# the ratios and goals of bench_targets.c) and exit with status RC.
#   t_targets (RC 1): every target just met or just missed, a row before
#     each wanted one that differs from it in one key field, a 1.40x FMA
#     peak and a 1.20-CPU round robin for the notes, a WRONG, a status and
#     a FAILED row (results failed their check: status 1);
#   t_targets_runs (RC 0): bench --runs' CSV, 10 runs (S1's bf16 input
#     gradient on 2 threads: medians, the 95% interval of 10, x_(2) ..
#     x_(9), not their range; one run without a best time, left out of
#     the best-time lines (9 runs); "unresolved" for an interval whose end
#     is the goal; one run's round robin at 1.40 CPUs) and a figure of 2
#     runs (their range).
# Run by ctest (tests bench_targets, bench_targets_runs):
# cmake -DPROG=<bench> -DSRC=<bench dir> -DCASE=<name> -DRC=<status> -P this.
execute_process(COMMAND ${PROG} --targets ${SRC}/${CASE}.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${SRC}/${CASE}.expected want)
if(NOT rc EQUAL ${RC})
  message(FATAL_ERROR "exit status ${rc}, expected ${RC}\n${out}${err}")
endif()
if(NOT out STREQUAL want)
  message(FATAL_ERROR "bench --targets printed:\n${out}\nexpected:\n${want}")
endif()
message(STATUS "bench --targets ${CASE}: every line as worked out")
