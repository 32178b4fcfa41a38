# The mpirun harness for MPI tests, and timemory's own MPI tests. Included from
# tests/CMakeLists.txt in every build: without MPI (or without mpirun or timeout) each MPI test is
# still listed and skips, saying why.
#
#   timemory_add_mpi_test(NAME <name> NP <ranks> COMMAND <program> [args...]
#                         [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value>...]
#                         [PASS_REGULAR_EXPRESSION <regex>] [FAIL_REGULAR_EXPRESSION <regex>]
#                         [FIXTURES_SETUP <fixture>]
#                         [LABELS <label>...])
#
# runs `timeout -k 5 <seconds> mpirun --oversubscribe -np <ranks> <program> ...` (a hung mpirun
# otherwise stays hung), as root too (OMPI_ALLOW_RUN_AS_ROOT*), labelled "mpi". LeakSanitizer (the
# ASan stage) is told what the MPI libraries keep for the life of the process (mpip/lsan.supp).
find_program(TIMEMORY_TIMEOUT_EXECUTABLE timeout)
set(_timemory_lsan_supp ${CMAKE_CURRENT_LIST_DIR}/mpip/lsan.supp)
set(_timemory_mpi_skip "")
if(NOT TIMEMORY_HAS_MPI)
    set(_timemory_mpi_skip "timemory was built without MPI (TIMEMORY_USE_MPI=${TIMEMORY_USE_MPI})")
elseif(NOT MPIEXEC_EXECUTABLE)
    set(_timemory_mpi_skip "no MPI launcher (mpirun) was found")
elseif(NOT TIMEMORY_TIMEOUT_EXECUTABLE)
    set(_timemory_mpi_skip "no `timeout` program to bound mpirun with")
endif()

function(timemory_add_mpi_test)
    cmake_parse_arguments(T "" "NAME;NP;TIMEOUT;PASS_REGULAR_EXPRESSION;FAIL_REGULAR_EXPRESSION;FIXTURES_SETUP"
                          "COMMAND;ENVIRONMENT;LABELS" ${ARGN})
    if(NOT T_NAME OR NOT T_NP OR NOT T_COMMAND)
        message(FATAL_ERROR "timemory_add_mpi_test: NAME, NP and COMMAND are required")
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    if(_timemory_mpi_skip)
        add_test(NAME ${T_NAME} COMMAND sh -c "echo 'MPI test skipped: ${_timemory_mpi_skip}'; exit 77")
        set_tests_properties(${T_NAME} PROPERTIES SKIP_RETURN_CODE 77 LABELS "mpi;${T_LABELS}")
        return()
    endif()
    add_test(NAME ${T_NAME}
             COMMAND ${TIMEMORY_TIMEOUT_EXECUTABLE} -k 5 ${T_TIMEOUT} ${MPIEXEC_EXECUTABLE}
                     ${MPIEXEC_NUMPROC_FLAG} ${T_NP} --oversubscribe ${MPIEXEC_PREFLAGS} ${T_COMMAND})
    math(EXPR _ctest_timeout "${T_TIMEOUT} + 30")
    set_tests_properties(
        ${T_NAME}
        PROPERTIES ENVIRONMENT
                   "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;LSAN_OPTIONS=suppressions=${_timemory_lsan_supp}:fast_unwind_on_malloc=0;${T_ENVIRONMENT}"
                   LABELS "mpi;${T_LABELS}"
                   TIMEOUT ${_ctest_timeout}
                   PROCESSORS ${T_NP})
    if(T_PASS_REGULAR_EXPRESSION)
        set_tests_properties(${T_NAME} PROPERTIES PASS_REGULAR_EXPRESSION
                                                  "${T_PASS_REGULAR_EXPRESSION}")
    endif()
    if(T_FAIL_REGULAR_EXPRESSION)
        set_tests_properties(${T_NAME} PROPERTIES FAIL_REGULAR_EXPRESSION
                                                  "${T_FAIL_REGULAR_EXPRESSION}")
    endif()
    if(T_FIXTURES_SETUP)
        set_tests_properties(${T_NAME} PROPERTIES FIXTURES_SETUP ${T_FIXTURES_SETUP})
    endif()
endfunction()

# ---- timemory's own MPI tests ---------------------------------------------------------------
# A program that never uses MPI does not load libmpi or the plugin (no mpirun, every build).
add_executable(timemory-no-mpi-test mpi/no_mpi_test.c)
target_link_libraries(timemory-no-mpi-test PRIVATE timemory::timemory)
add_test(NAME Mpi.NonMpiProgramLoadsNoMpi COMMAND timemory-no-mpi-test)
set_tests_properties(
    Mpi.NonMpiProgramLoadsNoMpi
    PROPERTIES ENVIRONMENT "TIMEMORY_OUTPUT_PATH=${CMAKE_CURRENT_BINARY_DIR}/mpi-output/no-mpi"
               LABELS mpi TIMEOUT 60)

set(_mpi_out ${CMAKE_CURRENT_BINARY_DIR}/mpi-output)
if(TIMEMORY_HAS_MPI)
    add_executable(timemory-mpi-c-test mpi/mpi_c_test.c)
    target_link_libraries(timemory-mpi-c-test PRIVATE timemory::timemory MPI::MPI_C)
    add_executable(timemory-mpi-cxx-test mpi/mpi_cxx_test.cpp)
    target_link_libraries(timemory-mpi-cxx-test PRIVATE timemory::timemory)
    set(_c_test $<TARGET_FILE:timemory-mpi-c-test>)
    set(_cxx_test $<TARGET_FILE:timemory-mpi-cxx-test>)
else()
    set(_c_test timemory-mpi-c-test)
    set(_cxx_test timemory-mpi-cxx-test)
endif()
find_package(Python3 QUIET COMPONENTS Interpreter)
foreach(_np 1 2 4)
    # From C: the ranks' regions reach the outputs, whichever of timemory and MPI ends first.
    foreach(_mode normal hook late nohook)
        set(_name Mpi.C.${_mode}.np${_np})
        set(_dir ${_mpi_out}/c-${_mode}-np${_np})
        # Only the program that finalizes MPI first without the hook is warned.
        set(_fail "MPI was finalized before timemory's finalize")
        if(_mode STREQUAL "nohook")
            set(_fail "timemory.*error")
        endif()
        timemory_add_mpi_test(
            NAME ${_name} NP ${_np} TIMEOUT 90 FIXTURES_SETUP ${_name}
            COMMAND ${CMAKE_COMMAND} -E env TIMEMORY_OUTPUT_PATH=${_dir} ${_c_test} ${_mode}
            FAIL_REGULAR_EXPRESSION "${_fail}")
        if(NOT _timemory_mpi_skip AND Python3_Interpreter_FOUND)
            add_test(NAME ${_name}.Outputs
                     COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/check_mpi_outputs.py
                             ${_dir} ${_np} ${_mode})
            set_tests_properties(${_name}.Outputs PROPERTIES FIXTURES_REQUIRED ${_name}
                                                             LABELS mpi TIMEOUT 60)
        endif()
    endforeach()
    # From C++, without linking MPI: TIMEMORY_MPI_INIT=ON, rank/size, the rank channel.
    timemory_add_mpi_test(
        NAME Mpi.Cxx.TimemoryStartsMpi.np${_np} NP ${_np} TIMEOUT 90
        COMMAND ${_cxx_test}
        ENVIRONMENT "TIMEMORY_MPI_INIT=ON;TIMEMORY_OUTPUT_PATH=${_mpi_out}/cxx-np${_np}"
        FAIL_REGULAR_EXPRESSION "FAILED:")  # and mpirun fails when a rank exits non-zero
endforeach()
# MPI_Finalize before timemory's finalize without the hook: one warning saying why.
timemory_add_mpi_test(
    NAME Mpi.C.NoHookWarns NP 2 TIMEOUT 90
    COMMAND ${CMAKE_COMMAND} -E env TIMEMORY_OUTPUT_PATH=${_mpi_out}/c-nohook-warn ${_c_test} nohook
    PASS_REGULAR_EXPRESSION "MPI was finalized before timemory's finalize")
# A thread level that is not one: the error names the valid ones (not named "Thread": the TSan
# stage runs `ctest -R Thread`, and OpenMPI is not TSan-instrumented).
timemory_add_mpi_test(
    NAME Mpi.Cxx.UnknownLevelErrorNamesValidOnes NP 1 TIMEOUT 60
    COMMAND ${_cxx_test}
    ENVIRONMENT "TIMEMORY_MPI_INIT=ON;TIMEMORY_MPI_THREAD_TYPE=several;TIMEMORY_OUTPUT_PATH=${_mpi_out}/cxx-bad"
    PASS_REGULAR_EXPRESSION "'several' is not an MPI thread level; valid: single, funneled, serialized, multiple")

# A process with another MPI than the plugin's (a stand-in library with MPICH's soname): the
# plugin is not loaded, and the warning and tim::mpi::status() name both libraries.
if(TIMEMORY_HAS_MPI AND NOT TIMEMORY_MPI_LIBRARY STREQUAL "libmpi.so.12")
    add_library(timemory-fake-other-mpi SHARED mpi/fake_other_mpi.c)
    set_target_properties(timemory-fake-other-mpi PROPERTIES OUTPUT_NAME mpi VERSION 12.0.0
                                                             SOVERSION 12 LIBRARY_OUTPUT_DIRECTORY
                                                             ${CMAKE_CURRENT_BINARY_DIR}/other-mpi)
    add_executable(timemory-wrong-mpi-test mpi/wrong_mpi_test.cpp)
    target_link_libraries(timemory-wrong-mpi-test PRIVATE timemory::timemory ${CMAKE_DL_LIBS})
    add_dependencies(timemory-wrong-mpi-test timemory-fake-other-mpi)
    add_test(NAME Mpi.AnotherMpiIsRefusedNamingBoth
             COMMAND timemory-wrong-mpi-test $<TARGET_FILE:timemory-fake-other-mpi>
                     ${TIMEMORY_MPI_LIBRARY})
    set_tests_properties(
        Mpi.AnotherMpiIsRefusedNamingBoth
        PROPERTIES ENVIRONMENT "TIMEMORY_OUTPUT_PATH=${_mpi_out}/wrong-mpi"
                   PASS_REGULAR_EXPRESSION "wrong mpi test: ok"
                   FAIL_REGULAR_EXPRESSION "FAILED:"
                   LABELS mpi TIMEOUT 60)
endif()

# ---- one job under a real mpirun, read back by check_mpi_job.py -----------------------------
# mpi_job_test.cpp's modes (sleep, workers, only1, missing, perrank): statistics over ranks,
# threads inside ranks, a region on one rank, a rank that comes late, per-rank folders; the
# sleep job's tree file is also loaded by hatchet. Names stay free of "Thread" (TSan stage).
if(TIMEMORY_HAS_MPI)
    add_executable(timemory-mpi-job-test mpi/mpi_job_test.cpp)
    target_compile_definitions(timemory-mpi-job-test PRIVATE OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX)
    target_link_libraries(timemory-mpi-job-test PRIVATE timemory::timemory MPI::MPI_C)
    set(_job_test $<TARGET_FILE:timemory-mpi-job-test>)
else()
    set(_job_test timemory-mpi-job-test)
endif()
set(_job_check ${CMAKE_CURRENT_SOURCE_DIR}/mpi/check_mpi_job.py)
# name; ranks; mode; output path as the program sees it; extra environment (a|b for a;b)
set(_job_runs
    "SleepStatistics\;4\;sleep\;${_mpi_out}/job-sleep\;"
    "Workers\;2\;workers\;${_mpi_out}/job-workers\;"
    "RegionOnRank1\;4\;only1\;${_mpi_out}/job-only1\;"
    "MissingRank\;3\;missing\;${_mpi_out}/job-missing\;TIMEMORY_MPI_TIMEOUT=2"
    "RankFolders\;2\;perrank\;${_mpi_out}/job-folders/rank-%r\;TIMEMORY_COLLAPSE_PROCESSES=OFF"
    "PerRankFiles\;2\;perrank\;${_mpi_out}/job-per-rank\;TIMEMORY_PER_RANK_OUTPUT=ON")
foreach(_run ${_job_runs})
    list(GET _run 0 _name)
    list(GET _run 1 _np)
    list(GET _run 2 _mode)
    list(GET _run 3 _path)
    list(GET _run 4 _env)
    string(REPLACE "|" ";" _env "${_env}")
    string(REPLACE "/rank-%r" "" _dir "${_path}")
    set(_timeout 90)
    if(_mode STREQUAL "missing")
        set(_timeout 180)  # rank 2 comes ~6 s late, then waits out rank 0's bounded waits
    endif()
    timemory_add_mpi_test(
        NAME Mpi.Job.${_name} NP ${_np} TIMEOUT ${_timeout} FIXTURES_SETUP Mpi.Job.${_name}
        COMMAND ${CMAKE_COMMAND} -E env TIMEMORY_OUTPUT_PATH=${_path} ${_job_test} ${_mode} ${_dir}
        ENVIRONMENT "${_env}"
        FAIL_REGULAR_EXPRESSION "FAILED:")
    if(NOT _timemory_mpi_skip AND Python3_Interpreter_FOUND)
        # Fresh folders: a stale file from an earlier run must not satisfy the checker.
        add_test(NAME Mpi.Job.${_name}.Clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${_dir})
        set_tests_properties(Mpi.Job.${_name}.Clean PROPERTIES FIXTURES_SETUP Mpi.Job.${_name}.Clean
                                                               LABELS mpi)
        set_tests_properties(Mpi.Job.${_name} PROPERTIES FIXTURES_REQUIRED Mpi.Job.${_name}.Clean)
        add_test(NAME Mpi.Job.${_name}.Outputs
                 COMMAND ${Python3_EXECUTABLE} ${_job_check} ${_mode} ${_dir} ${_np} ${_name})
        set_tests_properties(Mpi.Job.${_name}.Outputs PROPERTIES FIXTURES_REQUIRED Mpi.Job.${_name}
                                                                 LABELS mpi TIMEOUT 120)
    endif()
endforeach()
if(NOT _timemory_mpi_skip AND Python3_Interpreter_FOUND)
    # hatchet reads the real 4-rank tree file of the sleep job (skips without hatchet).
    add_test(NAME Mpi.Job.SleepStatistics.Hatchet
             COMMAND ${Python3_EXECUTABLE} ${_job_check} hatchet ${_mpi_out}/job-sleep 4 hatchet)
    set_tests_properties(Mpi.Job.SleepStatistics.Hatchet
                         PROPERTIES FIXTURES_REQUIRED Mpi.Job.SleepStatistics LABELS mpi TIMEOUT 120
                                    SKIP_RETURN_CODE 77)
endif()
