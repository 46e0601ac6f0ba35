# Finds the Debian packages dlverify needs; a missing one stops configure
# with the name of the package to install.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# dlv_require(<prefix> <pkg-config module> <Debian package>)
function(dlv_require prefix module debian)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR
      "${module} not found (pkg-config): apt-get install ${debian}")
  endif()
  set(${prefix}_VERSION ${${prefix}_VERSION} PARENT_SCOPE)
  message(STATUS "Found ${module} ${${prefix}_VERSION}")
endfunction()

dlv_require(DLV_MPFR mpfr libmpfr-dev)
dlv_require(DLV_CMOCKA cmocka libcmocka-dev)
dlv_require(DLV_OPENBLAS openblas libopenblas-dev)
dlv_require(DLV_GSLPC gsl libgsl-dev)

# GSL's pkg-config file links the slow reference gslcblas; link libgsl alone
# and resolve its cblas_* symbols from OpenBLAS instead.
find_library(DLV_GSL_LIBRARY NAMES gsl HINTS ${DLV_GSLPC_LIBRARY_DIRS})
if(NOT DLV_GSL_LIBRARY)
  message(FATAL_ERROR "libgsl not found: apt-get install libgsl-dev")
endif()
add_library(dlv_gsl INTERFACE)
# Installed (exported as dlv::gsl), it links libgsl by name.
target_include_directories(dlv_gsl INTERFACE
                           $<BUILD_INTERFACE:${DLV_GSLPC_INCLUDE_DIRS}>)
target_link_libraries(dlv_gsl INTERFACE $<BUILD_INTERFACE:${DLV_GSL_LIBRARY}>
                      $<INSTALL_INTERFACE:gsl> PkgConfig::DLV_OPENBLAS m)
