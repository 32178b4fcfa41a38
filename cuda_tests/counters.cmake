# CPU tests of cupti_counters: the metric catalogue for a named chip
# (GH100) through the public tim::gpu::metrics API, which needs libcupti's host half but no GPU;
# and the attribution of decoded ranges to the launches that made them, fed constructed values.
# The GPU cases (metrics of kernels of known size) are in test_counters_device.cu, below.

# Public API only, like a user's program: the core finds the plugin, the plugin loads libcupti.
add_executable(timemory-cuda-test-counters-catalogue test_counters_catalogue.cpp)
target_link_libraries(timemory-cuda-test-counters-catalogue PRIVATE timemory::timemory GTest::gtest
                                                                    GTest::gtest_main)
add_dependencies(timemory-cuda-test-counters-catalogue timemory-gpu)
gtest_discover_tests(timemory-cuda-test-counters-catalogue DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 300 LABELS cuda)

# Private plugin code (gpu/src), CUPTI headers only.
add_executable(timemory-cuda-test-counters-launches test_counters_launches.cpp)
target_include_directories(timemory-cuda-test-counters-launches
                           PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/../gpu/src
                                   ${CUDAToolkit_CUPTI_INCLUDE_DIR})
target_link_libraries(timemory-cuda-test-counters-launches PRIVATE timemory::gpu GTest::gtest
                                                                   GTest::gtest_main)
gtest_discover_tests(timemory-cuda-test-counters-launches DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 120 LABELS cuda)

# On a device: metrics of kernels of known size (skips without one). nvcc-built.
if(TIMEMORY_HAS_NVCC)
    add_executable(timemory-cuda-counters-tests test_counters_device.cu)
    target_link_libraries(timemory-cuda-counters-tests PRIVATE timemory::gpu CUDA::cudart
                                                               GTest::gtest GTest::gtest_main)
    set_target_properties(timemory-cuda-counters-tests PROPERTIES CUDA_RUNTIME_LIBRARY Shared)
    gtest_discover_tests(timemory-cuda-counters-tests DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 300 LABELS cuda)
    timemory_gpu_label(timemory-cuda-counters-tests_TESTS "" cuda)
endif()
