# CPU tests of the CUPTI activity part: constructed CUPTI records fed to the record
# processor, the API callback body driven directly, the correlation table's pruning, activity
# kind selection, what happens without a device, and that libcupti is loaded lazily. They run
# everywhere. Only test_activity_cupti_api loads libcupti (and calls the two functions of it that
# are safe without a driver); the no-device tests check that the session never starts.
#
# Script mode (the PluginDoesNotLinkCupti test below):
#   cmake -DREADELF=<readelf> -DLIB=<libtimemory-gpu.so> -P activity.cmake
if(CMAKE_SCRIPT_MODE_FILE)
    # libcupti is dlopened on first use (gpu/src/cupti/cupti_api.hpp): neither NEEDED nor imported.
    execute_process(COMMAND ${READELF} -d -W ${LIB} OUTPUT_VARIABLE _dynamic RESULT_VARIABLE _rc)
    execute_process(COMMAND ${READELF} --dyn-syms -W ${LIB} OUTPUT_VARIABLE _symbols)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "readelf -d ${LIB} failed (${_rc})")
    endif()
    string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*" _needed "${_dynamic}")
    string(REGEX MATCHALL "UND cupti[A-Za-z_0-9]*" _imports "${_symbols}")
    # The parse works: the plugin's own dependencies are there.
    if(NOT "${_needed}" MATCHES "libcudart\\.so" OR NOT "${_needed}" MATCHES "libtimemory\\.so")
        message(FATAL_ERROR "NEEDED of ${LIB} lacks libcudart/libtimemory:\n${_dynamic}")
    endif()
    if("${_needed}" MATCHES "cupti|nvperf|libcuda\\.so")
        message(FATAL_ERROR "${LIB} links CUPTI (or the driver):\n${_needed}")
    endif()
    if(_imports)
        message(FATAL_ERROR "${LIB} imports CUPTI functions instead of using cupti_api.hpp:\n"
                            "${_imports}")
    endif()
    return()
endif()

# One executable per test_activity_*.cpp: some checks are about process-wide "once" behaviour.
file(GLOB _activity_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_activity_*.cpp)
# A plain timemory program (core only), built below.
list(REMOVE_ITEM _activity_tests ${CMAKE_CURRENT_SOURCE_DIR}/test_activity_lazy_load.cpp)
foreach(_source ${_activity_tests})
    get_filename_component(_name ${_source} NAME_WE)
    string(REPLACE "_" "-" _target "timemory-cuda-${_name}")
    add_executable(${_target} ${_source})
    # The processor, correlation table and subscriber are private to the plugin (gpu/src); the
    # CUPTI headers only (the plugin loads libcupti itself).
    target_include_directories(${_target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/../gpu/src
                                                  ${CUDAToolkit_CUPTI_INCLUDE_DIR})
    target_link_libraries(${_target} PRIVATE timemory::gpu GTest::gtest GTest::gtest_main)
    gtest_discover_tests(${_target} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120 LABELS cuda)
endforeach()
timemory_gpu_label(timemory-cuda-test-activity-cupti-api_TESTS "^CuptiApi[.]WithADevice" cuda)

# libcupti is mapped only when CUPTI is used: a program linking libtimemory alone, as users'
# programs do (the core dlopens the plugin), reads /proc/self/maps.
add_executable(timemory-cuda-test-activity-lazy-load test_activity_lazy_load.cpp)
target_link_libraries(timemory-cuda-test-activity-lazy-load PRIVATE timemory::timemory GTest::gtest
                                                                    GTest::gtest_main)
add_dependencies(timemory-cuda-test-activity-lazy-load timemory-gpu)
gtest_discover_tests(timemory-cuda-test-activity-lazy-load DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 120 LABELS cuda)

if(CMAKE_READELF)
    add_test(NAME Activity.PluginDoesNotLinkCupti
             COMMAND ${CMAKE_COMMAND} -DREADELF=${CMAKE_READELF} -DLIB=$<TARGET_FILE:timemory-gpu>
                     -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(Activity.PluginDoesNotLinkCupti PROPERTIES LABELS cuda TIMEOUT 60)
endif()
