# Installs a timemory build tree into a fresh prefix and uses it the way a user would.
#
#   cmake -DMODE=find_package|pkgconfig -DBUILD_DIR=<timemory build> -DWORK_DIR=<scratch>
#         -DSOURCE_DIR=<this folder> [-DGENERATOR=...] [-DMAKE_PROGRAM=...] [-DCXX_COMPILER=...]
#         [-DC_COMPILER=...] [-DBUILD_TYPE=...] [-DLIBDIR=lib] [-DINCLUDEDIR=include]
#         [-DSANITIZER_FLAGS="-fsanitize=..."] -P run_downstream.cmake
#
# find_package: configures, builds and runs tests/downstream/ (find_package(timemory) only) and
#               checks that the program exits 0 and wrote timemory output files.
# pkgconfig:    compiles pkgconfig_main.c with `pkg-config --cflags --libs timemory` and runs it.
#               Prints TIMEMORY_TEST_SKIPPED (ctest: Skipped) when pkg-config is not installed.
cmake_minimum_required(VERSION 3.24)

foreach(_var MODE BUILD_DIR WORK_DIR SOURCE_DIR)
    if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
        message(FATAL_ERROR "run_downstream.cmake: -D${_var}=... is required")
    endif()
endforeach()
if(NOT LIBDIR)
    set(LIBDIR lib)
endif()
if(NOT INCLUDEDIR)
    set(INCLUDEDIR include)
endif()
separate_arguments(_san_flags UNIX_COMMAND "${SANITIZER_FLAGS}")

# Runs a command; on failure prints what ran, its output, and stops with an error.
function(run_step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        string(REPLACE ";" " " _cmd "${ARGN}")
        message(FATAL_ERROR "${what} failed (exit ${_rc}):\n  ${_cmd}\n${_out}\n${_err}")
    endif()
    message(STATUS "${what}: ok")
    set(STEP_OUTPUT "${_out}${_err}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "pkgconfig")
    find_program(PKG_CONFIG_EXECUTABLE NAMES pkg-config pkgconf)
    if(NOT PKG_CONFIG_EXECUTABLE)
        # ctest's SKIP_REGULAR_EXPRESSION (tests/downstream.cmake) turns this into "Skipped".
        message(STATUS "TIMEMORY_TEST_SKIPPED: pkg-config is not installed")
        return()
    endif()
elseif(NOT MODE STREQUAL "find_package")
    message(FATAL_ERROR "MODE must be find_package or pkgconfig, not '${MODE}'")
endif()

# ---- 1. install into a fresh prefix -----------------------------------------------------------
set(_prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(_install_cmd ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${_prefix}")
if(CONFIG)
    list(APPEND _install_cmd --config "${CONFIG}")
endif()
run_step("cmake --install into ${_prefix}" ${_install_cmd})

set(_expected
    "${INCLUDEDIR}/timemory/library.h"
    "${INCLUDEDIR}/timemory/timemory.hpp"
    "${LIBDIR}/libtimemory.so"
    "${LIBDIR}/cmake/timemory/timemoryConfig.cmake"
    "${LIBDIR}/cmake/timemory/timemoryConfigVersion.cmake"
    "${LIBDIR}/cmake/timemory/timemory-targets.cmake"
    "${LIBDIR}/pkgconfig/timemory.pc")
foreach(_file ${_expected})
    if(NOT EXISTS "${_prefix}/${_file}")
        message(FATAL_ERROR "install layout: ${_prefix}/${_file} is missing")
    endif()
endforeach()
message(STATUS "install layout: ok")

# The installed tools must start from the prefix (their RPATH finds the installed library).
foreach(_tool timemory-avail timem)
    if(NOT EXISTS "${_prefix}/bin/${_tool}")
        message(FATAL_ERROR "install layout: ${_prefix}/bin/${_tool} is missing")
    endif()
    run_step("installed ${_tool} --help" "${_prefix}/bin/${_tool}" --help)
endforeach()

set(_output_dir "${WORK_DIR}/output")
set(_run_env ${CMAKE_COMMAND} -E env "TIMEMORY_OUTPUT_PATH=${_output_dir}")

if(MODE STREQUAL "find_package")
    # ---- 2. configure + build the downstream project against the prefix only -----------------
    set(_bin "${WORK_DIR}/build")
    set(_configure ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${_bin}"
                   "-DCMAKE_PREFIX_PATH=${_prefix}"
                   -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
                   -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
    if(GENERATOR)
        list(APPEND _configure -G "${GENERATOR}")
    endif()
    if(MAKE_PROGRAM)
        list(APPEND _configure "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
    endif()
    if(CXX_COMPILER)
        list(APPEND _configure "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
    endif()
    if(BUILD_TYPE)
        list(APPEND _configure "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
    endif()
    if(SANITIZER_FLAGS)
        list(APPEND _configure "-DCMAKE_CXX_FLAGS=${SANITIZER_FLAGS}"
                               "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZER_FLAGS}")
    endif()
    run_step("configure downstream project" ${_configure})

    # The package must come from the fresh prefix, not from the build tree or the system.
    file(STRINGS "${_bin}/CMakeCache.txt" _dir_line REGEX "^timemory_DIR:")
    string(REGEX REPLACE "^timemory_DIR:[A-Z]+=" "" _found_dir "${_dir_line}")
    file(REAL_PATH "${_prefix}/${LIBDIR}/cmake/timemory" _want_dir)
    if(EXISTS "${_found_dir}")
        file(REAL_PATH "${_found_dir}" _found_dir)
    endif()
    if(NOT _found_dir STREQUAL _want_dir)
        message(FATAL_ERROR "find_package(timemory) used '${_found_dir}', expected '${_want_dir}'")
    endif()

    set(_build ${CMAKE_COMMAND} --build "${_bin}")
    if(CONFIG)
        list(APPEND _build --config "${CONFIG}")
    endif()
    run_step("build downstream project" ${_build})

    set(_exe "${_bin}/timemory-downstream")
    if(CONFIG AND NOT EXISTS "${_exe}")
        set(_exe "${_bin}/${CONFIG}/timemory-downstream")
    endif()
    run_step("run downstream program" ${_run_env} "${_exe}")
    if(NOT STEP_OUTPUT MATCHES "downstream: region=yes scope=yes")
        message(FATAL_ERROR "downstream program did not report both regions:\n${STEP_OUTPUT}")
    endif()
else()
    # ---- 2. compile a C program with pkg-config's flags --------------------------------------
    set(ENV{PKG_CONFIG_LIBDIR} "${_prefix}/${LIBDIR}/pkgconfig")
    set(ENV{PKG_CONFIG_PATH} "")
    run_step("pkg-config --modversion timemory" ${PKG_CONFIG_EXECUTABLE} --modversion timemory)
    run_step("pkg-config --cflags --libs timemory"
             ${PKG_CONFIG_EXECUTABLE} --cflags --libs timemory)
    string(STRIP "${STEP_OUTPUT}" _pc_flags_text)
    message(STATUS "pkg-config flags: ${_pc_flags_text}")
    separate_arguments(_pc_flags UNIX_COMMAND "${_pc_flags_text}")
    string(FIND " ${_pc_flags_text} " " -I${_prefix}/${INCLUDEDIR} " _pos)
    if(_pos EQUAL -1)
        message(FATAL_ERROR "pkg-config Cflags do not name ${_prefix}/${INCLUDEDIR}")
    endif()
    if(NOT C_COMPILER)
        set(C_COMPILER cc)
    endif()
    set(_exe "${WORK_DIR}/timemory-pkgconfig")
    run_step("compile C program with pkg-config flags"
             ${C_COMPILER} -std=c99 ${_san_flags} "${SOURCE_DIR}/pkgconfig_main.c" -o "${_exe}"
             ${_pc_flags} "-Wl,-rpath,${_prefix}/${LIBDIR}")
    run_step("run pkg-config program" ${_run_env} "${_exe}")
    if(NOT STEP_OUTPUT MATCHES "pkgconfig: ok")
        message(FATAL_ERROR "pkg-config program printed no success line:\n${STEP_OUTPUT}")
    endif()
endif()

# ---- 3. the program must have written its results --------------------------------------------
file(GLOB _outputs "${_output_dir}/*")
if(NOT _outputs)
    message(FATAL_ERROR "no timemory output files in ${_output_dir}")
endif()
list(LENGTH _outputs _n)
message(STATUS "${_n} output file(s) in ${_output_dir}")
message(STATUS "${MODE}: passed")
