# Tests of the command-line tools (tools/timem, tools/timemory-avail): each runs the real binary
# through a `cmake -P` script that checks its exit status, stderr report and JSON output.
# Included from tests/CMakeLists.txt.
if(NOT TARGET timem OR NOT TARGET timemory-avail)
    return()
endif()

set(_tools_work_dir ${CMAKE_CURRENT_BINARY_DIR}/tools-output)
# Units and formats must be the defaults whatever the developer's environment or ~/.timemory.cfg.
set(_tools_env TIMEMORY_SUPPRESS_CONFIG=ON TIMEMORY_TIMING_UNITS= TIMEMORY_MEMORY_UNITS=
               TIMEMORY_PRECISION=-1 TIMEMORY_OUTPUT_PATH=timemory-output TIMEMORY_ENABLED=ON)

foreach(_case sleep exit_code signal not_found busy forward usage)
    add_test(NAME Tools.timem.${_case}
             COMMAND ${CMAKE_COMMAND} -DTIMEM=$<TARGET_FILE:timem> -DWORK_DIR=${_tools_work_dir}
                     -DCASE=${_case} -P ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_timem.cmake)
    set_tests_properties(Tools.timem.${_case} PROPERTIES ENVIRONMENT "${_tools_env}" TIMEOUT 120
                                                         LABELS tools)
endforeach()
# CPU utilization of a busy loop is only near 100 % when nothing else competes for the core.
set_tests_properties(Tools.timem.busy PROPERTIES RUN_SERIAL ON)

foreach(_case json text filter markdown bogus unsupported)
    add_test(NAME Tools.avail.${_case}
             COMMAND ${CMAKE_COMMAND} -DAVAIL=$<TARGET_FILE:timemory-avail> -DCASE=${_case} -P
                     ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_avail.cmake)
    set_tests_properties(Tools.avail.${_case} PROPERTIES ENVIRONMENT "${_tools_env}" TIMEOUT 60
                                                         LABELS tools)
endforeach()

# GPU components listed with the reason they cannot measure; no CUDA dependency in libtimemory.
set(_gpu_lib_arg)
if(TARGET timemory-gpu)
    set(_gpu_lib_arg -DGPU_LIB=$<TARGET_FILE:timemory-gpu>)
endif()
add_test(NAME Tools.avail.gpu
         COMMAND ${CMAKE_COMMAND} -DAVAIL=$<TARGET_FILE:timemory-avail> -DCASE=gpu
                 -DHAS_CUDA=${TIMEMORY_HAS_CUDA} -DCORE_LIB=$<TARGET_FILE:timemory> ${_gpu_lib_arg}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_avail.cmake)
set_tests_properties(Tools.avail.gpu PROPERTIES ENVIRONMENT "${_tools_env}" TIMEOUT 60 LABELS tools)

# Hardware counters (-H): PAPI events with their availability, CUPTI metrics of a chip (--chip,
# offline); papi_array from TIMEMORY_PAPI_EVENTS.
add_test(NAME Tools.avail.hw
         COMMAND ${CMAKE_COMMAND} -DAVAIL=$<TARGET_FILE:timemory-avail> -DCASE=hw
                 -DHAS_PAPI=${TIMEMORY_HAS_PAPI} -DHAS_CUDA=${TIMEMORY_HAS_CUDA}
                 -DCORE_LIB=$<TARGET_FILE:timemory>
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_avail.cmake)
set_tests_properties(Tools.avail.hw PROPERTIES ENVIRONMENT "${_tools_env};TIMEMORY_PAPI_EVENTS="
                                                TIMEOUT 60 LABELS tools)
