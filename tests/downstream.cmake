# Tests of the installed package: install this build tree into a scratch prefix, then build
# against it with find_package (Install.DownstreamFindPackage) and with pkg-config
# (Install.PkgConfig). Each is one ctest entry running tests/downstream/run_downstream.cmake.
include(GNUInstallDirs)

set(_timemory_downstream_san "")
if(TIMEMORY_SANITIZER STREQUAL "address")
    set(_timemory_downstream_san "-fsanitize=address,undefined -fno-omit-frame-pointer")
elseif(TIMEMORY_SANITIZER STREQUAL "thread")
    set(_timemory_downstream_san "-fsanitize=thread")
endif()

foreach(_mode find_package pkgconfig)
    if(_mode STREQUAL "find_package")
        set(_name Install.DownstreamFindPackage)
    else()
        set(_name Install.PkgConfig)
    endif()
    add_test(
        NAME ${_name}
        COMMAND
            ${CMAKE_COMMAND} -DMODE=${_mode} -DBUILD_DIR=${PROJECT_BINARY_DIR}
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/downstream-${_mode}
            -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/downstream
            "-DGENERATOR=${CMAKE_GENERATOR}" "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
            "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}" "-DC_COMPILER=${CMAKE_C_COMPILER}"
            "-DBUILD_TYPE=${CMAKE_BUILD_TYPE}" -DCONFIG=$<CONFIG>
            -DLIBDIR=${CMAKE_INSTALL_LIBDIR} -DINCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
            "-DSANITIZER_FLAGS=${_timemory_downstream_san}"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/downstream/run_downstream.cmake)
    set_tests_properties(${_name} PROPERTIES TIMEOUT 300 LABELS install
                                             SKIP_REGULAR_EXPRESSION "TIMEMORY_TEST_SKIPPED")
endforeach()
