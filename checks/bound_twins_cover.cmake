# bound_twins_cover.cmake: every bound the checks gate on has a twin test.
# Run by ctest (test bound_twins_cover): cmake -DSRC=<checks dir> -P this.
# Every function (static inline dlv_*) and macro with a value (DLV_*: a
# derived constant, a count, an acceptance level) defined in the bound
# headers (checks/bounds/*.h, checks/claims/*/bounds.h
# and taps.h) must be named in a twin test (checks/t_bounds*.c,
# t_p3_taps.c), which evaluates it again from its derivation.  Names with
# two underscores (dlv__*) are internal and tested through their callers.
# A new bound without a twin fails here.
file(GLOB headers ${SRC}/bounds/*.h ${SRC}/claims/*/bounds.h
     ${SRC}/claims/*/taps.h)
file(GLOB twins ${SRC}/t_bounds*.c ${SRC}/t_p3_taps.c)
set(twin_text "")
foreach(t ${twins})
  file(READ ${t} text)
  string(APPEND twin_text " ${text} ")
endforeach()
set(names "")
foreach(h ${headers})
  file(STRINGS ${h} lines REGEX "^(static inline .*[ *]dlv_[a-z0-9_]+\\(|#define DLV_[A-Z0-9_]+[( ])")
  foreach(line ${lines})
    string(REGEX MATCH "(dlv_[a-z0-9_]+|DLV_[A-Z0-9_]+)[( ]" m "${line}")
    string(REGEX REPLACE "[( ]$" "" name "${m}")
    if(NOT name MATCHES "^dlv__")
      list(APPEND names ${name})
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES names)
list(LENGTH names count)
set(missing "")
foreach(name ${names})
  if(NOT twin_text MATCHES "[^A-Za-z0-9_]${name}[^A-Za-z0-9_]")
    list(APPEND missing ${name})
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "bounds without a twin test: ${missing}")
endif()
message(STATUS "${count} bounds and constants, each named in a twin test")
