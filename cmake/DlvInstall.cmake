# cmake --install: the kernels, the MPFR references and the harness an
# outside project needs to verify its own kernel with our bounds, as an
# exported CMake package (find_package(dlverify): dlv::kernels,
# dlv::reference, dlv::check) and a pkg-config file (dlverify.pc), both
# generated from the one list of targets below (libuv's model, STYLE.md 7).
#
# Installed tree:
#   include/dlv/        public kernel headers, dlv.h (all of them), the
#                       reference headers (ref_*.h, mp.h) and the harness
#                       headers (check.h, bounds.h, evidence.h, ulp.h)
#   lib/                libdlv_kernels.a (and .so with DLV_SHARED),
#                       libdlv_reference.a, libdlv_check.a, libdlv_env.a,
#                       libdlv_evidence.a
#   lib/cmake/dlverify/ dlverify-config.cmake, -config-version, -targets
#   lib/pkgconfig/      dlverify.pc
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every installed library, in static link order (a library before the ones
# it uses); dlv::gsl is the libgsl link of dlv_check (no gslcblas).
set(DLV_INSTALL_LIBS dlv_check dlv_reference dlv_kernels dlv_evidence dlv_env)
if(TARGET dlv_kernels_shared)
  list(APPEND DLV_INSTALL_LIBS dlv_kernels_shared)
endif()
set(DLV_EXPORT_NAMES dlv_check=check dlv_reference=reference
    dlv_kernels=kernels dlv_kernels_shared=kernels_shared
    dlv_evidence=evidence dlv_env=env dlv_gsl=gsl dlv_bounds=bounds)
foreach(pair ${DLV_EXPORT_NAMES})
  string(REPLACE "=" ";" pair ${pair})
  list(GET pair 0 target)
  list(GET pair 1 name)
  if(TARGET ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  endif()
endforeach()
# Installed headers all sit in include/dlv/ and include each other by
# "name.h" (found beside the includer); a user writes <dlv/name.h>.
foreach(target ${DLV_INSTALL_LIBS})
  target_include_directories(${target} INTERFACE
                             $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

# dlv_bounds: header-only (bounds.h and bounds/), no library file.
target_include_directories(dlv_bounds INTERFACE
                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
install(TARGETS ${DLV_INSTALL_LIBS} dlv_gsl dlv_bounds EXPORT dlverify-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
file(GLOB DLV_PUBLIC_HEADERS CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/include/dlv/*.h
     ${PROJECT_SOURCE_DIR}/reference/*.h)
install(FILES ${DLV_PUBLIC_HEADERS}
        ${PROJECT_SOURCE_DIR}/checks/check.h
        ${PROJECT_SOURCE_DIR}/checks/bounds.h
        ${PROJECT_SOURCE_DIR}/checks/evidence.h
        ${PROJECT_SOURCE_DIR}/checks/ulp.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dlv)
# bounds.h is an umbrella over checks/bounds/*.h, installed beside it.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/checks/bounds
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dlv FILES_MATCHING
        PATTERN "*.h")
# ... and over the claims' own bounds (checks/claims/<claim>/bounds.h).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/checks/claims
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dlv FILES_MATCHING
        PATTERN "bounds.h")

set(DLV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dlverify)
install(EXPORT dlverify-targets NAMESPACE dlv::
        DESTINATION ${DLV_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dlverify-config.cmake.in
  ${PROJECT_BINARY_DIR}/dlverify-config.cmake
  INSTALL_DESTINATION ${DLV_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dlverify-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dlverify-config.cmake
        ${PROJECT_BINARY_DIR}/dlverify-config-version.cmake
        DESTINATION ${DLV_CMAKE_DIR})

# dlverify.pc: -l flags from the same list (file names of the targets),
# the pkg-config modules of cmake/DlvDependencies.cmake as Requires.  The
# prefix is found from the .pc file's own place, so that
# `cmake --install --prefix DIR` needs no reconfigure.
set(DLV_PC_LIBS "")
foreach(target ${DLV_INSTALL_LIBS})
  if(NOT target STREQUAL "dlv_kernels_shared")
    string(APPEND DLV_PC_LIBS " -l$<TARGET_FILE_BASE_NAME:${target}>")
  endif()
endforeach()
file(RELATIVE_PATH DLV_PC_UP /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" DLV_PC_UP "${DLV_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/dlverify.pc.in
               ${PROJECT_BINARY_DIR}/dlverify.pc.in @ONLY)
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/dlverify.pc
     INPUT ${PROJECT_BINARY_DIR}/dlverify.pc.in)
install(FILES ${PROJECT_BINARY_DIR}/dlverify.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The install test: an outside program (tests/install/) built against a
# temporary install of this build, with the same compiler and sanitizer
# flags (the installed libraries carry their instrumentation).
set(DLV_OUTSIDE_FLAGS "")
if(DLV_SANITIZE)
  string(APPEND DLV_OUTSIDE_FLAGS " -fsanitize=address,undefined")
endif()
if(DLV_TSAN)
  string(APPEND DLV_OUTSIDE_FLAGS " -fsanitize=thread")
endif()
if(DLV_FUZZ)
  string(APPEND DLV_OUTSIDE_FLAGS " -fsanitize=fuzzer-no-link")
endif()
add_test(NAME install_outside_project
         COMMAND sh ${PROJECT_SOURCE_DIR}/tests/install/run.sh
                 ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                 ${PROJECT_BINARY_DIR}/install-test ${CMAKE_C_COMPILER}
                 "${DLV_OUTSIDE_FLAGS}")
set_tests_properties(install_outside_project PROPERTIES LABELS install)
