# libtimemory-mpip (MPI call timing): 2-rank jobs whose output files are read back and checked
# exactly (mpip/check_mpip_output.cpp). Skipped, with a message, in a build without MPI.
if(NOT TARGET timemory-mpip)
    message(STATUS "MPI call timing tests skipped: MPI not found (or TIMEMORY_USE_MPI=OFF)")
    return()
endif()

set(_mpip_dir ${CMAKE_CURRENT_SOURCE_DIR}/mpip)
# The same program twice: with regions, linked against the wrappers (before libmpi), and plain.
add_executable(timemory-mpip-exchange ${_mpip_dir}/mpip_exchange.c)
target_compile_definitions(timemory-mpip-exchange PRIVATE TIMEMORY_MPIP_REGIONS)
target_link_libraries(timemory-mpip-exchange PRIVATE timemory::mpip timemory::timemory MPI::MPI_C)
add_executable(timemory-mpip-exchange-plain ${_mpip_dir}/mpip_exchange.c)
target_link_libraries(timemory-mpip-exchange-plain PRIVATE MPI::MPI_C)
add_executable(timemory-mpip-check ${_mpip_dir}/check_mpip_output.cpp)
target_link_libraries(timemory-mpip-check PRIVATE nlohmann_json::nlohmann_json)

# LeakSanitizer (the ASan stage): what the MPI libraries keep for the life of the process is theirs.
set(_mpip_env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TIMEMORY_SUPPRESS_CONFIG=ON
              LSAN_OPTIONS=suppressions=${_mpip_dir}/lsan.supp:fast_unwind_on_malloc=0)
# A sanitized library is preloaded after its sanitizer's runtime, which must come first.
set(_mpip_preload $<TARGET_FILE:timemory-mpip>)
if(TIMEMORY_SANITIZER STREQUAL "address")
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE _asan_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(_mpip_preload "${_asan_runtime}:${_mpip_preload}")
endif()
# timemory_add_mpip_test(<name> <output folder> <preload: library or -> <check mode> <program>)
function(timemory_add_mpip_test name folder preload mode program)
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/${folder})
    add_test(NAME ${name}
             COMMAND sh ${_mpip_dir}/run_mpi.sh ${MPIEXEC_EXECUTABLE} ${_out} ${preload}
                     "$<TARGET_FILE:timemory-mpip-check> ${_out} ${mode}" -- ${program})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${_mpip_env};${ARGN}" TIMEOUT 180
                                            LABELS mpi PASS_REGULAR_EXPRESSION "output \\(${mode}\\): ok")
endfunction()

# The regions measure mpi_bytes too: they show the bytes of the calls inside them.
timemory_add_mpip_test(Mpip.LinkedCallsAreChildRowsWithExactBytes mpip-linked - regions
                       $<TARGET_FILE:timemory-mpip-exchange>
                       TIMEMORY_COMPONENTS=wall_clock,mpi_bytes)
timemory_add_mpip_test(Mpip.PreloadedIntoUnmodifiedProgram mpip-preload ${_mpip_preload} preload
                       $<TARGET_FILE:timemory-mpip-exchange-plain>)
timemory_add_mpip_test(Mpip.PermitListAndComponents mpip-permit - permit
                       $<TARGET_FILE:timemory-mpip-exchange> TIMEMORY_MPIP_PERMIT_LIST=MPI_Send,recv,MPI_Sendd
                       TIMEMORY_MPIP_COMPONENTS=mpi_bytes TIMEMORY_COMPONENTS=wall_clock,mpi_bytes)

# Fortran `use mpi` calls reach the wrappers through mpi_send_ & co (preloaded).
if(CMAKE_Fortran_COMPILER)
    find_package(MPI QUIET COMPONENTS Fortran)
endif()
if(TARGET MPI::MPI_Fortran)
    add_executable(timemory-mpip-fortran ${_mpip_dir}/mpip_fortran.f90)
    target_link_libraries(timemory-mpip-fortran PRIVATE MPI::MPI_Fortran)
    timemory_add_mpip_test(Mpip.FortranUseMpiPreloaded mpip-fortran ${_mpip_preload} fortran $<TARGET_FILE:timemory-mpip-fortran>)
else()
    message(STATUS "MPI call timing from Fortran not tested: no Fortran compiler or MPI Fortran")
endif()
