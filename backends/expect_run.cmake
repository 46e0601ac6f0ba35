# Runs PROG with the arguments ARGS (a ;-list) and passes only when it
# exits with status RC and its output (stdout and stderr) matches the
# regex EXPECT.
# COPY_FROM, COPY_TO (optional): a file copied first (a plugin under a name
# of the test's choosing).
if(DEFINED COPY_FROM)
  get_filename_component(copy_dir "${COPY_TO}" DIRECTORY)
  file(MAKE_DIRECTORY "${copy_dir}")
  file(COPY_FILE "${COPY_FROM}" "${COPY_TO}")
endif()
execute_process(COMMAND ${PROG} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL RC)
  message(FATAL_ERROR "exit status ${rc}, expected ${RC}\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "output does not match '${EXPECT}':\n${out}${err}")
endif()
message(STATUS "as expected (status ${rc}): ${EXPECT}")
