# Runs PROG --backend ARG --family nrm2 and passes only when it exits with
# status 2 (a usage error) and its stderr matches the regex EXPECT.
execute_process(COMMAND ${PROG} --backend ${ARG} --family nrm2
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "exit status ${rc}, expected 2\n${out}${err}")
endif()
if(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "stderr does not match '${EXPECT}':\n${err}")
endif()
message(STATUS "refused as expected: ${err}")
