# Run at build time (cmake -P): writes OUT with the source tree's commit
# and whether tracked files differ from it, so the report states the commit
# the binaries were built from.  The file is rewritten only when its text
# changes, so an unchanged tree rebuilds nothing.
execute_process(COMMAND git -C ${SRC} rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown (not a git tree)")
else()
  execute_process(COMMAND git -C ${SRC} status --porcelain
                          --untracked-files=no
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    string(APPEND commit " (dirty: tracked files differ from the commit)")
  endif()
endif()
set(text "/* Generated at build time by cmake/DlvBuildCommit.cmake. */\n#define DLV_BUILD_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
