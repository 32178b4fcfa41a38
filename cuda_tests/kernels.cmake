# timemory-cuda-kernel-tests: nvcc-built instrumented kernels — saxpy, a Thrust sort
# and reduce, two streams, kernels from two host threads, copies of known size — checked against
# the call graph (cupti_activity / cupti_memory_bytes child rows, cuda_event values). Every GPU
# case skips with the reason without a device; the CudaHostFallback cases run everywhere.
if(TIMEMORY_HAS_NVCC)
    file(GLOB _kernel_test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_kernels*.cu)
    add_executable(timemory-cuda-kernel-tests ${_kernel_test_sources})
    target_link_libraries(timemory-cuda-kernel-tests PRIVATE timemory::gpu CUDA::cudart GTest::gtest
                                                             GTest::gtest_main)
    # The shared runtime, as libtimemory-gpu uses: one CUDA runtime in the process.
    set_target_properties(timemory-cuda-kernel-tests PROPERTIES CUDA_RUNTIME_LIBRARY Shared)
    gtest_discover_tests(timemory-cuda-kernel-tests DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 300 LABELS cuda)
    timemory_gpu_label(timemory-cuda-kernel-tests_TESTS "^CudaKernels[.]" cuda)
    # The device cases again with regions pushing external correlation ids instead of the
    # subscriber's launch callback (the fallback when another tool holds the subscriber).
    gtest_discover_tests(timemory-cuda-kernel-tests DISCOVERY_TIMEOUT 60 TEST_FILTER "CudaKernels.*"
                         TEST_PREFIX "external." TEST_LIST timemory_cuda_kernel_tests_external
                         PROPERTIES TIMEOUT 300 LABELS cuda
                                    ENVIRONMENT TIMEMORY_CUPTI_ATTRIBUTION=external)
    timemory_gpu_label(timemory_cuda_kernel_tests_external "" cuda)
endif()
