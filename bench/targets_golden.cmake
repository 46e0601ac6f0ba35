# targets_golden.cmake: bench --targets on a CSV made for the purpose
# (t_targets.csv: every target just met or just missed, a row before each
# wanted one that differs from it in one key field, a 1.40x FMA peak and a
# 1.20-CPU round robin for the notes, a WRONG, a status and a FAILED row)
# must print t_targets.expected exactly (each line worked out by hand from
# the CSV: the ratios and goals of bench_targets.c) and exit with status 1
# (results failed their check).  Run by ctest (test bench_targets):
# cmake -DPROG=<bench> -DSRC=<bench dir> -P this.
execute_process(COMMAND ${PROG} --targets ${SRC}/t_targets.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${SRC}/t_targets.expected want)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "exit status ${rc}, expected 1\n${out}${err}")
endif()
if(NOT out STREQUAL want)
  message(FATAL_ERROR "bench --targets printed:\n${out}\nexpected:\n${want}")
endif()
message(STATUS "bench --targets: every line as worked out")
