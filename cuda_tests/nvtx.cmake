# NVTX mirroring of regions, tested without Nsight: a small NVTX tool (nvtx_injection/) that NVTX
# loads through NVTX_INJECTION64_PATH logs every domain, string, push and pop to the file named
# by TIMEMORY_NVTX_TEST_LOG ("%p" = process id); each test reads its own log back and checks the
# names, nesting and domain of the ranges its regions produced. None of this needs a GPU.

set(_nvtx_dir ${CMAKE_CURRENT_BINARY_DIR})
set(_nvtx_logs ${_nvtx_dir}/nvtx-logs)
file(MAKE_DIRECTORY ${_nvtx_logs})

# The tool. A fixed path (not a generator expression): gtest_discover_tests takes plain values.
add_library(timemory-nvtx-test-injection MODULE nvtx_injection/nvtx_log_injection.cpp)
target_link_libraries(timemory-nvtx-test-injection PRIVATE CUDA::nvtx3 ${CMAKE_DL_LIBS})
set_target_properties(timemory-nvtx-test-injection PROPERTIES PREFIX "lib" SUFFIX ".so"
                                                              LIBRARY_OUTPUT_DIRECTORY ${_nvtx_dir})
set(_nvtx_tool ${_nvtx_dir}/libtimemory-nvtx-test-injection.so)

# In ASan builds LeakSanitizer can crash at exit while scanning libcupti's dynamic TLS block
# ("Tracer caught signal 11", gcc 12 / glibc 2.36; seen with Nvtx.NoToolNoObserver): do not scan
# dynamic TLS. Leaks are still reported; other builds ignore the variable.
set(_nvtx_lsan "LSAN_OPTIONS=use_tls=0")

# ENVIRONMENT for a test attached to the tool, logging to nvtx-logs/<name>-<pid>.log.
function(timemory_nvtx_tool_env out name)
    set(${out} "NVTX_INJECTION64_PATH=${_nvtx_tool}" "TIMEMORY_NVTX_TEST_LOG=${_nvtx_logs}/${name}-%p.log"
        PARENT_SCOPE)
endfunction()

# ---- C API -------------------------------------------------------------------------------------
add_executable(timemory-nvtx-test-c test_nvtx_c_api.c)
target_include_directories(timemory-nvtx-test-c PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # c_check.h
set_target_properties(timemory-nvtx-test-c PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
target_link_libraries(timemory-nvtx-test-c PRIVATE timemory::timemory)
add_dependencies(timemory-nvtx-test-c timemory-nvtx-test-injection)
add_test(NAME Nvtx.CApi COMMAND timemory-nvtx-test-c ${_nvtx_dir}/nvtx-c-api-output
         WORKING_DIRECTORY ${_nvtx_dir})
timemory_nvtx_tool_env(_env c-api)
set_tests_properties(Nvtx.CApi PROPERTIES ENVIRONMENT "${_env};TIMEMORY_SUPPRESS_CONFIG=ON;${_nvtx_lsan}"
                                          LABELS "nvtx" TIMEOUT 120)

# ---- C++: bundles, runtime bundles, tim::region, out-of-order closes, threads --------------------
add_executable(timemory-nvtx-test-regions test_nvtx_regions.cpp)
target_include_directories(timemory-nvtx-test-regions PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/nvtx_injection)
target_link_libraries(timemory-nvtx-test-regions PRIVATE timemory::timemory GTest::gtest
                                                         GTest::gtest_main)
add_dependencies(timemory-nvtx-test-regions timemory-nvtx-test-injection)
# gtest_discover_tests splits every ';' of its PROPERTIES, so each property carries one variable.
gtest_discover_tests(
    timemory-nvtx-test-regions TEST_PREFIX "Nvtx." WORKING_DIRECTORY ${_nvtx_dir}
    DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "NVTX_INJECTION64_PATH=${_nvtx_tool}"
               ENVIRONMENT_MODIFICATION "TIMEMORY_NVTX_TEST_LOG=set:${_nvtx_logs}/regions-%p.log"
               LABELS "nvtx" TIMEOUT 120
               SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")

# ---- nothing emitted, no observer: without a tool, and with TIMEMORY_NVTX_MIRROR=OFF ---------------
add_executable(timemory-nvtx-test-quiet test_nvtx_quiet.cpp)
target_include_directories(timemory-nvtx-test-quiet PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/nvtx_injection)
target_link_libraries(timemory-nvtx-test-quiet PRIVATE timemory::timemory CUDA::nvtx3 GTest::gtest
                                                       GTest::gtest_main ${CMAKE_DL_LIBS})
add_dependencies(timemory-nvtx-test-quiet timemory-nvtx-test-injection)
add_test(NAME Nvtx.NoToolNoObserver
         COMMAND timemory-nvtx-test-quiet --gtest_filter=NvtxQuiet.NoToolNoObserver
         WORKING_DIRECTORY ${_nvtx_dir})
set_tests_properties(Nvtx.NoToolNoObserver PROPERTIES
    ENVIRONMENT "TIMEMORY_SUPPRESS_CONFIG=ON;${_nvtx_lsan}"
    ENVIRONMENT_MODIFICATION "NVTX_INJECTION64_PATH=unset:"
    LABELS "nvtx" TIMEOUT 120 SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
add_test(NAME Nvtx.MirrorOffEmitsNothing
         COMMAND timemory-nvtx-test-quiet --gtest_filter=NvtxQuiet.MirrorOffEmitsNothing
         WORKING_DIRECTORY ${_nvtx_dir})
timemory_nvtx_tool_env(_env mirror-off)
set_tests_properties(Nvtx.MirrorOffEmitsNothing PROPERTIES
    ENVIRONMENT "${_env};TIMEMORY_NVTX_MIRROR=OFF;TIMEMORY_SUPPRESS_CONFIG=ON;${_nvtx_lsan}"
    LABELS "nvtx" TIMEOUT 120 SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")

# ---- Python: marker, timemory.region, Profiler with and without Config.nvtx -----------------------
if(TARGET libpytimemory AND Python3_EXECUTABLE)
    add_test(NAME Nvtx.Python
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_nvtx_python.py
             WORKING_DIRECTORY ${_nvtx_dir})
    timemory_nvtx_tool_env(_env python)
    set_tests_properties(
        Nvtx.Python
        PROPERTIES ENVIRONMENT
                   "${_env};PYTHONPATH=${TIMEMORY_PYTHON_BUILD_DIR};TIMEMORY_SUPPRESS_CONFIG=ON;PYTHONDONTWRITEBYTECODE=1"
                   LABELS "nvtx;python" TIMEOUT 300)
endif()
